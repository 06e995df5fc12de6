-- One row per Freshdesk conversation (`GET /api/v2/tickets/{id}/conversations`), deduplicated by id (the later
-- file wins). An agent reply is a public (private false) outgoing (incoming false) conversation.
with conversation_rows as (
    {{ latest_version(source('helpdesk', 'freshdesk_conversations'), "payload->>'id'") }}
),

final as (
    select
        {{ json_text('id') }} as conversation_id,
        {{ json_text('ticket_id') }} as ticket_id,
        {{ json_text('user_id') }} as user_id,
        {{ json_timestamp('created_at') }} as created_at,
        lower({{ json_text('incoming') }}) = 'true' as is_incoming,
        lower({{ json_text('private') }}) = 'true' as is_private,
        {{ json_bigint('source') }} as source_code,
        file_id as source_file_id
    from conversation_rows
)

select * from final
