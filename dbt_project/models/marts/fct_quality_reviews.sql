-- One row per QA review: score, max, pct, pass, agent, team (at review time), reviewer.
-- Published as is from int_quality_reviews (the logic lives in the intermediate layer).
with quality_reviews as (
    select * from {{ ref('int_quality_reviews') }}
),

final as (
    select * from quality_reviews
)

select * from final
