-- One row per ticket (deleted tickets excluded): timestamps, status, agent and team, first reply, resolution.
with tickets as (
    select * from {{ ref('int_tickets') }}
),

helpdesk_as_of as (
    select as_of_at from {{ ref('int_source_as_of') }} where source_system = 'helpdesk'
),

final as (
    select
        tickets.ticket_id,
        tickets.created_at,
        tickets.updated_at,
        tickets.status,
        tickets.channel,
        tickets.priority,
        tickets.contact_reason,
        tickets.requester_id,
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
        tickets.satisfaction_score,
        tickets.final_solved_at is not null as is_solved
    from tickets
    cross join helpdesk_as_of
    {{ join_team_membership('tickets.agent_id', 'coalesce(tickets.final_solved_at, helpdesk_as_of.as_of_at)') }}
)

select * from final
