-- One row per counted survey response (finished, real Status), linked to its ticket or call and agent.
-- Published from int_survey_responses_enriched (the logic lives in the intermediate layer), with names beside the ids.
with survey_responses as (
    select * from {{ ref('int_survey_responses_enriched') }}
),

final as (
    select
        survey_responses.*,
        {{ scope_name('agent', 'survey_responses.agent_id') }} as agent_name,
        {{ scope_name('team', 'survey_responses.team_id') }} as team_name
    from survey_responses
)

select * from final
