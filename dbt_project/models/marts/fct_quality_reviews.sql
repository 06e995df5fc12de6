-- One row per QA review: score, max, pct, pass, agent, team (at review time), reviewer.
-- Published from int_quality_reviews (the logic lives in the intermediate layer), with names beside the ids.
with quality_reviews as (
    select * from {{ ref('int_quality_reviews') }}
),

final as (
    select
        quality_reviews.*,
        {{ scope_name('agent', 'quality_reviews.agent_id') }} as agent_name,
        {{ scope_name('team', 'quality_reviews.team_id') }} as team_name
    from quality_reviews
)

select * from final
