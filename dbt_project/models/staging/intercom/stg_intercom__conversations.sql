-- One row per Intercom conversation (source helpdesk.intercom_conversations): the version with the greatest
-- updated_at (ties: the later file). Typed, ids as text, epoch seconds as UTC timestamps; the requester, the tag
-- names and the admin replies read from their lists. The neutral mapping is in int_helpdesk_tickets.
with conversation_rows as (
    select
        file_id,
        record_number,
        payload,
        nullif(trim(payload->>'id'), '') as conversation_id,
        {{ intercom_epoch("payload->>'updated_at'") }} as updated_at,
        json_type(payload->'conversation_parts'->'conversation_parts') = 'ARRAY' as has_parts
    from {{ source('helpdesk', 'intercom_conversations') }}
),

conversation_versions as (
    {{ latest_version('conversation_rows', 'conversation_id', 'updated_at') }}
),

-- The parts come only with GET /conversations/{id}: where the kept version is a list item without them, the
-- admin replies are counted in a version of the same state (same updated_at) that carries them (the later file).
part_versions as (
    select
        conversation_id,
        updated_at,
        len(list_filter(
            from_json(payload->'conversation_parts'->'conversation_parts', '["json"]'),
            lambda part: (part->>'part_type') = 'comment' and lower(part->'author'->>'type') = 'admin'
        )) as admin_comment_count
    from conversation_rows
    where has_parts
    qualify row_number() over (
        partition by conversation_id, updated_at order by file_id desc, record_number desc
    ) = 1
),

typed as (
    select
        conversation_versions.conversation_id,
        {{ intercom_epoch("payload->>'created_at'") }} as created_at,
        conversation_versions.updated_at,
        lower({{ json_text('state') }}) as state,
        lower({{ json_text('priority') }}) as priority,
        {{ json_text('admin_assignee_id') }} as admin_assignee_id,
        {{ json_text('team_assignee_id') }} as team_assignee_id,
        lower(nullif(trim(payload->'source'->>'type'), '')) as source_type,
        lower(nullif(trim(payload->'source'->>'delivered_as'), '')) as source_delivered_as,
        lower(nullif(trim(payload->'source'->'author'->>'type'), '')) as source_author_type,
        nullif(trim(payload->'source'->'author'->>'id'), '') as source_author_id,
        nullif(trim(payload->'contacts'->'contacts'->0->>'id'), '') as first_contact_id,
        list_filter(
            list_transform(
                from_json(
                    case when json_type(payload->'tags') = 'ARRAY' then payload->'tags' else payload->'tags'->'tags' end,
                    '["json"]'
                ),
                lambda tag: nullif(trim(tag->>'name'), '')
            ),
            lambda name: name is not null
        ) as tags,
        try_cast(nullif(trim(payload->'conversation_rating'->>'rating'), '') as integer) as rating,
        {{ intercom_epoch("payload->'conversation_rating'->>'created_at'") }} as rated_at,
        json_type(payload->'statistics') = 'OBJECT' as has_statistics,
        {{ intercom_epoch("payload->'statistics'->>'first_admin_reply_at'") }} as first_admin_reply_at,
        {{ intercom_epoch("payload->'statistics'->>'first_close_at'") }} as first_close_at,
        {{ intercom_epoch("payload->'statistics'->>'last_close_at'") }} as last_close_at,
        try_cast(nullif(trim(payload->'statistics'->>'count_reopens'), '') as integer) as count_reopens,
        try_cast(nullif(trim(payload->'statistics'->>'count_assignments'), '') as integer) as count_assignments,
        conversation_versions.has_parts,
        conversation_versions.file_id as source_file_id
    from conversation_versions
),

final as (
    select
        typed.conversation_id,
        typed.created_at,
        typed.updated_at,
        typed.state,
        typed.priority,
        typed.admin_assignee_id,
        typed.team_assignee_id,
        typed.source_type,
        typed.source_delivered_as,
        typed.source_author_type,
        typed.source_author_id,
        -- The requester: the source message's author when a user or lead, else the first contact.
        case when typed.source_author_type in ('user', 'lead') then typed.source_author_id
            else typed.first_contact_id
        end as requester_id,
        coalesce(typed.tags, []::varchar[]) as tags,
        typed.rating,
        typed.rated_at,
        coalesce(typed.has_statistics, false) as has_statistics,
        typed.first_admin_reply_at,
        typed.first_close_at,
        typed.last_close_at,
        typed.count_reopens,
        typed.count_assignments,
        coalesce(typed.has_parts, false) or part_versions.conversation_id is not null as has_conversation_parts,
        part_versions.admin_comment_count,
        typed.source_file_id
    from typed
    left join part_versions
        on part_versions.conversation_id = typed.conversation_id
        and part_versions.updated_at = typed.updated_at
    where typed.conversation_id is not null
)

select * from final
