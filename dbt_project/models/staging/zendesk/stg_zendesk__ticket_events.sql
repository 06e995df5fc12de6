-- One row per ticket audit (deduplicated by event id; a repeated event keeps its latest file).
with audits as (
    {{ latest_version(source('helpdesk', 'zendesk_ticket_events'), "payload->>'id'") }}
),

final as (
    select
        {{ json_bigint('id') }} as event_id,
        {{ json_bigint('ticket_id') }} as ticket_id,
        {{ json_timestamp('created_at') }} as created_at,
        {{ json_bigint('updater_id') }} as updater_id,
        coalesce(from_json(payload->'child_events', '["json"]'), []::json[]) as child_events,
        file_id as source_file_id
    from audits
)

select * from final
