-- One row per ticket of the generic helpdesk CSV (greatest updated_at wins; ties: the later file). Agent ids are
-- roster agent_ids.
with ticket_rows as (
    {{ latest_version(source('helpdesk', 'generic_tickets'), "payload->>'ticket_id'", json_timestamp('updated_at')) }}
),

final as (
    select
        {{ json_text('ticket_id') }} as ticket_id,
        {{ json_timestamp('created_at') }} as created_at,
        coalesce({{ json_timestamp('updated_at') }}, {{ json_timestamp('created_at') }}) as updated_at,
        lower({{ json_text('status') }}) as status,
        lower({{ json_text('channel') }}) as channel,
        lower({{ json_text('priority') }}) as priority,
        {{ json_text('requester_id') }} as requester_id,
        -- Hashed at ingestion (HMAC-SHA-256 of the trimmed lower-case address); the address itself is never stored.
        {{ json_text('requester_email_hash') }} as requester_email_hash,
        {{ json_text('assignee_id') }} as assignee_id,
        {{ json_text('group_name') }} as group_name,
        lower({{ json_text('contact_reason') }}) as contact_reason
    from ticket_rows
)

select * from final
