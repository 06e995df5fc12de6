-- One row per counted survey response (finished, real Status), linked to its ticket or call and agent.
-- Published as is from int_survey_responses_enriched (the logic lives in the intermediate layer).
with survey_responses as (
    select * from {{ ref('int_survey_responses_enriched') }}
),

final as (
    select * from survey_responses
)

select * from final
