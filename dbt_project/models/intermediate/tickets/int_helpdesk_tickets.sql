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
        {{ contact_reason_from_tags('tags') }} as contact_reason,
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

freshdesk_conversation_tickets as (
    select distinct ticket_id from {{ ref('stg_freshdesk__conversations') }}
),

freshdesk_ratings as (
    select ticket_id, satisfaction_score
    from {{ ref('stg_freshdesk__satisfaction_ratings') }}
    where ticket_id is not null
    qualify row_number() over (partition by ticket_id order by created_at desc, rating_id desc) = 1
),

freshdesk as (
    select
        'freshdesk' as helpdesk_source,
        tickets.ticket_id,
        tickets.created_at,
        tickets.updated_at,
        tickets.status,
        tickets.channel,
        tickets.priority,
        {{ contact_reason_from_tags('tickets.tags') }} as contact_reason,
        tickets.requester_id,
        'freshdesk:' || tickets.requester_id as requester_key,
        'freshdesk:' || tickets.responder_id as assignee_key,
        freshdesk_ratings.satisfaction_score,
        null::timestamptz as satisfaction_rated_at,
        false as has_event_history,
        tickets.first_responded_at as stamped_first_reply_at,
        tickets.final_solved_at as stamped_final_solved_at,
        case when tickets.has_stats then (tickets.reopened_at is not null)::integer end as stamped_reopen_count,
        null::integer as stamped_handoff_count,
        -- The agent replies are the ticket's conversations: none among them is 0, no conversation landed unknown.
        case when freshdesk_conversation_tickets.ticket_id is not null then 0 end as stamped_agent_reply_count
    from {{ ref('stg_freshdesk__tickets') }} as tickets
    left join freshdesk_ratings using (ticket_id)
    left join freshdesk_conversation_tickets using (ticket_id)
    where tickets.ticket_id is not null
),

-- The UI export has no event history and no requester id: reopens, handoffs, replies and ratings are unknown.
freshdesk_export as (
    select
        'freshdesk_export' as helpdesk_source,
        exports.ticket_id,
        exports.created_at,
        exports.updated_at,
        exports.status,
        exports.channel,
        exports.priority,
        {{ contact_reason_from_tags('exports.tags') }} as contact_reason,
        null::varchar as requester_id,
        null::varchar as requester_key,
        'agent:' || roster_agents.agent_id as assignee_key,
        null::varchar as satisfaction_score,
        null::timestamptz as satisfaction_rated_at,
        false as has_event_history,
        exports.first_responded_at as stamped_first_reply_at,
        exports.final_solved_at as stamped_final_solved_at,
        null::integer as stamped_reopen_count,
        null::integer as stamped_handoff_count,
        null::integer as stamped_agent_reply_count
    from {{ ref('stg_freshdesk__ticket_exports') }} as exports
    left join (
        select distinct lower(agent_name) as agent_name, agent_id from {{ ref('stg_reference__roster') }}
        where agent_name is not null
        qualify count(*) over (partition by lower(agent_name)) = 1
    ) as roster_agents on roster_agents.agent_name = lower(exports.agent_name)
    where exports.ticket_id is not null
        -- A ticket also landed through the API is read from there.
        and exports.ticket_id not in (select ticket_id from {{ ref('stg_freshdesk__tickets') }} where ticket_id is not null)
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
        {{ contact_reason_from_tags('tags') }} as contact_reason,
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
    select * from freshdesk
    union all
    select * from freshdesk_export
    union all
    select * from intercom
)

select * from final
