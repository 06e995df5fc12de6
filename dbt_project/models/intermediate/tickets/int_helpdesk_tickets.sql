-- Every ticket of every helpdesk in one shape (deleted included): Zendesk and the generic helpdesk CSV. Agents
-- are keyed `zendesk:<user id>` (Zendesk assignees) or `agent:<roster agent_id>` (generic CSV); customers
-- `zendesk:<requester id>`, `id:<requester id>` or `email:<keyed hash of the email>` (hashed at ingestion).
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
        satisfaction_score
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
        null::varchar as satisfaction_score
    from {{ ref('stg_generic__tickets') }}
    where ticket_id is not null
),

final as (
    select * from zendesk
    union all
    select * from generic
)

select * from final
