-- Each ticket's status over time: [valid_from, valid_to) intervals from its status changes. The first status
-- holds from the ticket's creation; a generic CSV ticket is `new` until its first status change; a ticket without
-- any status change has one interval from its creation with its current status.
with status_changes as (
    select * from {{ ref('int_ticket_status_changes') }}
),

-- Only helpdesks that export the status history: a ticket known by its stamps alone (Freshdesk, Intercom) has no
-- status on past days, so it is left out of the backlog rather than guessed.
tickets as (
    select ticket_id, helpdesk_source, created_at, status from {{ ref('int_tickets') }}
    where has_event_history
),

intervals as (
    select
        status_changes.ticket_id,
        case when status_changes.change_number = 1 and tickets.helpdesk_source = 'zendesk'
            then least(status_changes.changed_at, tickets.created_at)
            else status_changes.changed_at
        end as valid_from,
        lead(status_changes.changed_at) over (
            partition by status_changes.ticket_id order by status_changes.change_number
        ) as valid_to,
        status_changes.status
    from status_changes
    inner join tickets using (ticket_id)

    union all

    -- A generic CSV ticket is new from its creation until its first status change.
    select tickets.ticket_id, tickets.created_at, first_change.changed_at, 'new'
    from tickets
    inner join status_changes as first_change
        on first_change.ticket_id = tickets.ticket_id and first_change.change_number = 1
    where tickets.helpdesk_source = 'csv' and first_change.changed_at > tickets.created_at

    union all

    select tickets.ticket_id, tickets.created_at, null, tickets.status
    from tickets
    where not exists (select 1 from status_changes where status_changes.ticket_id = tickets.ticket_id)
),

final as (
    select * from intervals
    where valid_to is null or valid_to > valid_from
)

select * from final
