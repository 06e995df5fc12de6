-- Each ticket's status over time: [valid_from, valid_to) intervals from its status events. A ticket without
-- status events has one interval from its creation with its current status.
with status_changes as (
    select
        ticket_id,
        created_at as valid_from,
        value as status,
        row_number() over (partition by ticket_id order by created_at, event_id, child_position) as change_number
    from {{ ref('stg_zendesk__ticket_field_changes') }}
    where field_name = 'status' and value is not null
),

tickets as (
    select ticket_id, created_at, status from {{ ref('int_tickets') }}
),

intervals as (
    select
        status_changes.ticket_id,
        -- The first status holds from the ticket's creation, even if its audit is logged a little later.
        case when status_changes.change_number = 1
            then least(status_changes.valid_from, tickets.created_at)
            else status_changes.valid_from
        end as valid_from,
        lead(status_changes.valid_from) over (
            partition by status_changes.ticket_id order by status_changes.change_number
        ) as valid_to,
        status_changes.status
    from status_changes
    inner join tickets using (ticket_id)

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
