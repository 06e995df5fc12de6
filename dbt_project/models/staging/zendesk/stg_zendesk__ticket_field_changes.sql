-- One row per Create/Change child event of a ticket audit (status, assignee_id, group_id, ...).
with child_events as (
    {{ zendesk_child_events(ref('stg_zendesk__ticket_events')) }}
),

final as (
    select
        event_id,
        ticket_id,
        created_at,
        child_position,
        child_event->>'event_type' as child_event_type,
        child_event->>'field_name' as field_name,
        nullif(trim(child_event->>'value'), '') as value,
        nullif(trim(child_event->>'previous_value'), '') as previous_value
    from child_events
    where child_event->>'event_type' in ('Create', 'Change')
)

select * from final
