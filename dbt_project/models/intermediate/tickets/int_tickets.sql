-- One row per ticket (deleted excluded) with its lifecycle: agent, first reply, final solve, reopens, handoffs.
-- From the ticket's events where its helpdesk exports them, else from the stamps it exports (Freshdesk, Intercom):
-- a count the export cannot give stays null, so the metric leaves the ticket out instead of guessing.
with tickets as (
    select * from {{ ref('int_helpdesk_tickets') }}
    where status <> 'deleted'
),

status_history as (
    select * from {{ ref('int_ticket_status_history') }}
),

replies as (
    select * from {{ ref('int_ticket_agent_replies') }}
),

handoffs as (
    select * from {{ ref('int_ticket_handoffs') }}
),

assignments as (
    select * from {{ ref('int_ticket_assignments') }}
),

helpdesk_as_of as (
    select as_of_at from {{ ref('int_source_as_of') }} where source_system = 'helpdesk'
),

solved_tickets as (
    select
        tickets.*,
        case when tickets.status in ('solved', 'closed')
            then coalesce(status_history.last_solved_at, status_history.last_closed_at, tickets.stamped_final_solved_at)
        end as final_solved_at,
        -- A helpdesk exporting no event history gives its own counts, null where it has none (unsupported).
        case when tickets.has_event_history is false then tickets.stamped_reopen_count
            else coalesce(status_history.reopen_count, 0)
        end as reopen_count
    from tickets
    left join status_history using (ticket_id)
),

assignee_at_solve as (
    select
        solved_tickets.ticket_id,
        assignments.assignee_key
    from solved_tickets
    inner join assignments
        on assignments.ticket_id = solved_tickets.ticket_id
        and assignments.created_at <= solved_tickets.final_solved_at
    qualify row_number() over (partition by solved_tickets.ticket_id order by assignments.change_number desc) = 1
),

attributed as (
    select
        solved_tickets.*,
        -- The ticket's agent: the assignee at its final solve; for a ticket not solved, its current assignee.
        -- Only a solved ticket without any assignment event falls back to its current assignee.
        case
            when solved_tickets.final_solved_at is null then solved_tickets.assignee_key
            when assignee_at_solve.ticket_id is not null then assignee_at_solve.assignee_key
            when solved_tickets.ticket_id in (select ticket_id from assignments) then null
            else solved_tickets.assignee_key
        end as agent_key
    from solved_tickets
    left join assignee_at_solve using (ticket_id)
),

final as (
    select
        attributed.ticket_id,
        attributed.helpdesk_source,
        attributed.created_at,
        attributed.updated_at,
        attributed.status,
        attributed.channel,
        attributed.priority,
        attributed.contact_reason,
        attributed.requester_id,
        attributed.requester_key,
        attributed.assignee_key,
        attributed.agent_key,
        agent_keys.agent_id,
        coalesce(replies.first_reply_at, attributed.stamped_first_reply_at) as first_reply_at,
        {{ seconds_between('attributed.created_at', 'coalesce(replies.first_reply_at, attributed.stamped_first_reply_at)') }}
            / 60.0 as first_reply_minutes,
        case
            when replies.agent_reply_count is not null then replies.agent_reply_count
            when attributed.has_event_history is false then attributed.stamped_agent_reply_count
            else 0
        end as agent_reply_count,
        (
            coalesce(replies.first_reply_at, attributed.stamped_first_reply_at) is not null
            or {{ seconds_between('attributed.created_at', 'helpdesk_as_of.as_of_at') }} / 60.0
                > {{ var('first_reply_target_minutes') }}
        ) as counts_for_first_reply_target,
        attributed.final_solved_at,
        {{ seconds_between('attributed.created_at', 'attributed.final_solved_at') }} / 3600.0 as resolution_hours,
        attributed.reopen_count,
        case when attributed.has_event_history is false then attributed.stamped_handoff_count
            else coalesce(handoffs.handoff_count, 0)
        end as handoff_count,
        attributed.satisfaction_score,
        attributed.satisfaction_rated_at,
        coalesce(attributed.has_event_history, true) as has_event_history
    from attributed
    cross join helpdesk_as_of
    left join replies using (ticket_id)
    left join handoffs using (ticket_id)
    left join {{ ref('int_helpdesk_agent_keys') }} as agent_keys on agent_keys.agent_key = attributed.agent_key
)

select * from final
