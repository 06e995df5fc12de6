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

final as (
    select * from zendesk
    union all
    select * from generic
)

select * from final
