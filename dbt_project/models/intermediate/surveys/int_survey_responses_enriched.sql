-- One row per counted survey response (int_survey_responses, finished, real Status), linked to its ticket or call
-- and that interaction's agent, with the agent's team at the response and the NPS / CSAT flags. The published
-- fct_survey_responses is this model.
with responses as (
    select * from {{ ref('int_survey_responses') }}
),

answered_calls as (
    select call_id, agent_id
    from {{ ref('int_calls_enriched') }}
    where outcome = 'answered'
    qualify row_number() over (partition by call_id order by entered_at) = 1
),

linked as (
    select
        responses.*,
        coalesce(tickets.agent_id, answered_calls.agent_id) as agent_id
    from responses
    left join {{ ref('int_tickets_enriched') }} as tickets using (ticket_id)
    left join answered_calls using (call_id)
),

final as (
    select
        linked.response_id,
        linked.survey_source,
        linked.responded_at,
        linked.nps_score,
        linked.csat_score,
        linked.nps_score >= 9 as is_promoter,
        linked.nps_score <= 6 as is_detractor,
        linked.csat_scale_max,
        -- CSAT counts the top two points of the survey's scale (4-5 of 5).
        linked.csat_score >= linked.csat_scale_max - 1 as is_csat_satisfied,
        linked.comment,
        linked.ticket_id,
        linked.call_id,
        linked.agent_id,
        membership.team_id
    from linked
    {{ join_team_membership('linked.agent_id', 'linked.responded_at') }}
)

select * from final
