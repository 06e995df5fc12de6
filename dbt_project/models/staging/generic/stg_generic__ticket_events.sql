-- One row per event of the generic helpdesk events CSV (deduplicated by event_id; the later file wins).
with event_rows as (
    {{ latest_version(source('helpdesk', 'generic_ticket_events'), "payload->>'event_id'") }}
),

final as (
    select
        {{ json_text('event_id') }} as event_id,
        {{ json_text('ticket_id') }} as ticket_id,
        {{ json_timestamp('created_at') }} as created_at,
        {{ json_text('actor_id') }} as actor_id,
        lower({{ json_text('event_type') }}) as event_type,
        {{ json_text('value') }} as value,
        file_id as source_file_id,
        record_number as source_record_number
    from event_rows
)

select * from final
