-- Every ticket of every helpdesk in one shape (deleted included): Zendesk, the generic helpdesk CSV, Freshdesk and
-- Intercom. Agents are keyed `<helpdesk>:<user id>` (zendesk, freshdesk, intercom) or `agent:<roster agent_id>`
-- (generic CSV); customers `<helpdesk>:<requester id>`, `id:<requester id>` or `email:<keyed hash of the email>`.
-- Helpdesks with an event history (has_event_history) get their lifecycle from their events downstream; the
-- others carry it as the stamps they export (stamped_*), null where the export cannot tell (never guessed).
with zendesk as (
    select
        'zendesk' as helpdesk_source,
        ticket_id::varchar as ticket_id,
        created_at,
        updated_at,
        status,
        channel,
        priority,
        coalesce(
            list_transform(
                list_filter(tags, lambda tag: starts_with(tag, '{{ var("contact_reason_tag_prefix") }}')),
                lambda tag: substr(tag, {{ var("contact_reason_tag_prefix") | length + 1 }})
            )[1],
            'unspecified'
        ) as contact_reason,
        requester_id::varchar as requester_id,
        'zendesk:' || requester_id as requester_key,
        'zendesk:' || assignee_id as assignee_key,
        satisfaction_score,
        null::timestamptz as satisfaction_rated_at,
        true as has_event_history,
        null::timestamptz as stamped_first_reply_at,
        null::timestamptz as stamped_final_solved_at,
        null::integer as stamped_reopen_count,
        null::integer as stamped_handoff_count,
        null::integer as stamped_agent_reply_count
    from {{ ref('stg_zendesk__tickets') }}
    where ticket_id is not null
),

generic as (
    select
        'csv' as helpdesk_source,
        ticket_id,
        created_at,
        updated_at,
        status,
        channel,
        priority,
        coalesce(contact_reason, 'unspecified') as contact_reason,
        requester_id,
        coalesce('id:' || requester_id, 'email:' || requester_email_hash) as requester_key,
        'agent:' || assignee_id as assignee_key,
        null::varchar as satisfaction_score,
        null::timestamptz as satisfaction_rated_at,
        true as has_event_history,
        null::timestamptz as stamped_first_reply_at,
        null::timestamptz as stamped_final_solved_at,
        null::integer as stamped_reopen_count,
        null::integer as stamped_handoff_count,
        null::integer as stamped_agent_reply_count
    from {{ ref('stg_generic__tickets') }}
    where ticket_id is not null
),

-- Intercom conversations (SPEC 4.8b): no event history; the lifecycle from the conversation's statistics and parts.
intercom as (
    select
        'intercom' as helpdesk_source,
        conversation_id as ticket_id,
        created_at,
        updated_at,
        case state when 'open' then 'open' when 'snoozed' then 'pending' when 'closed' then 'solved' end as status,
        case source_type
            when 'email' then 'email'
            when 'conversation' then 'chat'
            when 'phone_call' then 'voice'
            else source_type
        end as channel,
        case priority when 'priority' then 'high' when 'not_priority' then 'normal' else priority end as priority,
        coalesce(
            list_transform(
                list_filter(tags, lambda tag: starts_with(tag, '{{ var("contact_reason_tag_prefix") }}')),
                lambda tag: substr(tag, {{ var("contact_reason_tag_prefix") | length + 1 }})
            )[1],
            'unspecified'
        ) as contact_reason,
        requester_id,
        'intercom:' || requester_id as requester_key,
        'intercom:' || admin_assignee_id as assignee_key,
        case when rating between 4 and 5 then 'good' when rating between 1 and 3 then 'bad' end as satisfaction_score,
        rated_at as satisfaction_rated_at,
        false as has_event_history,
        first_admin_reply_at as stamped_first_reply_at,
        case when state = 'closed' then last_close_at end as stamped_final_solved_at,
        case when has_statistics then count_reopens end as stamped_reopen_count,
        -- greatest() skips a null: an absent count stays null (unsupported), never 0.
        case when has_statistics and count_assignments is not null then greatest(count_assignments - 1, 0) end
            as stamped_handoff_count,
        case when has_conversation_parts then admin_comment_count end as stamped_agent_reply_count
    from {{ ref('stg_intercom__conversations') }}
),

final as (
    select * from zendesk
    union all
    select * from generic
    union all
    select * from intercom
)

select * from final
