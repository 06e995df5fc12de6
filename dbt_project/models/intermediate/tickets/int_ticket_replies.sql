-- One row per agent reply: a Zendesk public comment by an agent user outside the creating audit, a generic CSV
-- public_reply event (every public_reply is an agent reply), or a Freshdesk public outgoing agent conversation.
with zendesk_comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

agent_users as (
    select * from {{ ref('int_zendesk_agent_users') }}
),

zendesk_replies as (
    select
        zendesk_comments.ticket_id::varchar as ticket_id,
        zendesk_comments.created_at as replied_at,
        'zendesk:' || zendesk_comments.author_id as author_key
    from zendesk_comments
    inner join agent_users on zendesk_comments.author_id = agent_users.user_id
    where zendesk_comments.is_public and not zendesk_comments.is_creating_audit
),

generic_replies as (
    select ticket_id, created_at, 'agent:' || actor_id
    from {{ ref('stg_generic__ticket_events') }}
    where event_type = 'public_reply' and ticket_id is not null and created_at is not null
),

-- Freshdesk: a public (private false) outgoing (incoming false) conversation by an agent of the roster.
freshdesk_replies as (
    select conversations.ticket_id, conversations.created_at, 'freshdesk:' || conversations.user_id
    from {{ ref('stg_freshdesk__conversations') }} as conversations
    inner join {{ ref('int_helpdesk_agent_keys') }} as agent_keys
        on agent_keys.agent_key = 'freshdesk:' || conversations.user_id
    where not conversations.is_incoming and not conversations.is_private
        and conversations.ticket_id is not null and conversations.created_at is not null
),

final as (
    select * from zendesk_replies
    union all
    select * from generic_replies
    union all
    select * from freshdesk_replies
)

select * from final
