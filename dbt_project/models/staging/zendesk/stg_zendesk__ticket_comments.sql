-- One row per Comment child event; comments in the creating audit (the one with Create events) are flagged.
with child_events as (
    {{ zendesk_child_events(ref('stg_zendesk__ticket_events')) }}
),

final as (
    select
        event_id,
        ticket_id,
        created_at,
        child_position,
        try_cast(child_event->>'author_id' as bigint) as author_id,
        coalesce(try_cast(child_event->>'public' as boolean), false) as is_public,
        is_creating_audit
    from child_events
    where child_event->>'event_type' = 'Comment'
)

select * from final
