-- One row per ticket: the version with the greatest updated_at (ties: the later file).
with ticket_versions as (
    {{ latest_version(source('helpdesk', 'zendesk_tickets'), "payload->>'id'", json_timestamp('updated_at')) }}
),

final as (
    select
        {{ json_bigint('id') }} as ticket_id,
        {{ json_timestamp('created_at') }} as created_at,
        {{ json_timestamp('updated_at') }} as updated_at,
        lower({{ json_text('status') }}) as status,
        lower({{ json_text('priority') }}) as priority,
        lower({{ json_text('type') }}) as ticket_type,
        {{ json_text('subject') }} as subject,
        {{ json_bigint('requester_id') }} as requester_id,
        {{ json_bigint('assignee_id') }} as assignee_id,
        {{ json_bigint('group_id') }} as group_id,
        lower(nullif(trim(payload->'via'->>'channel'), '')) as channel,
        coalesce(from_json(payload->'tags', '["varchar"]'), []::varchar[]) as tags,
        lower(nullif(trim(payload->'satisfaction_rating'->>'score'), '')) as satisfaction_score,
        file_id as source_file_id
    from ticket_versions
)

select * from final
