-- One row per ticket (deleted tickets excluded), int_tickets with what the ticket KPIs need on top: the agent's
-- team (at the final solve, or at the as-of time), agent continuity and the solved / reopened / one-touch flags.
-- The published fct_tickets is this model.
with tickets as (
    select * from {{ ref('int_tickets') }}
),

helpdesk_as_of as (
    select as_of_at from {{ ref('int_source_as_of') }} where source_system = 'helpdesk'
),

continuity as (
    -- The requester's most recently solved earlier ticket (both with an agent), within continuity_days before
    -- this ticket's final solve.
    select
        ticket_id,
        lag(agent_key) over requester_solves as previous_agent_key,
        lag(final_solved_at) over requester_solves as previous_solved_at
    from tickets
    where final_solved_at is not null and agent_key is not null and requester_key is not null
    window requester_solves as (partition by requester_key order by final_solved_at, ticket_id)
),

final as (
    select
        tickets.ticket_id,
        tickets.helpdesk_source,
        tickets.created_at,
        tickets.updated_at,
        tickets.status,
        tickets.channel,
        tickets.priority,
        tickets.contact_reason,
        tickets.requester_id,
        tickets.requester_key,
        tickets.agent_key,
        tickets.agent_id,
        -- Team of the agent at the final solve, or at the as-of time for a ticket not solved.
        membership.team_id,
        tickets.first_reply_at,
        tickets.first_reply_minutes,
        tickets.counts_for_first_reply_target,
        tickets.final_solved_at,
        tickets.resolution_hours,
        tickets.reopen_count,
        tickets.agent_reply_count,
        tickets.handoff_count,
        tickets.satisfaction_score,
        -- A rating counts when it was given where the helpdesk dates it (Intercom), else at the final solve.
        coalesce(tickets.satisfaction_rated_at, tickets.final_solved_at) as satisfaction_at,
        tickets.has_event_history,
        tickets.final_solved_at is not null as is_solved,
        tickets.reopen_count > 0 as is_reopened,
        tickets.final_solved_at is not null and tickets.agent_reply_count = 1 as is_one_touch,
        coalesce(
            continuity.previous_solved_at >= tickets.final_solved_at - interval ({{ var('continuity_days') }}) day
            and continuity.previous_solved_at < tickets.final_solved_at,
            false
        ) as has_recent_previous_ticket,
        case
            when continuity.previous_solved_at >= tickets.final_solved_at - interval ({{ var('continuity_days') }}) day
                and continuity.previous_solved_at < tickets.final_solved_at
                then continuity.previous_agent_key = tickets.agent_key
        end as is_same_agent_as_previous_ticket
    from tickets
    cross join helpdesk_as_of
    left join continuity using (ticket_id)
    {{ join_team_membership('tickets.agent_id', 'coalesce(tickets.final_solved_at, helpdesk_as_of.as_of_at)') }}
)

select * from final
