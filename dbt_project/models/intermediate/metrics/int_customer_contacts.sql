-- Cross-channel contacts and contact starts, keyed by customer. A ticket's customer is its requester; a call's
-- customer is the end-user whose phone (digits only) matches the caller, otherwise the caller's digits (compared
-- as the keyed hashes of their digits made at ingestion, the only form phone numbers are stored in).
with phone_owners as (
    select phone_hash, min(user_id) as user_id
    from {{ ref('stg_zendesk__users') }}
    where role = 'end-user' and phone_hash is not null
    group by all
),

tickets as (
    select * from {{ ref('int_tickets_enriched') }}
    where requester_key is not null
),

calls as (
    select
        enriched_calls.*,
        coalesce('zendesk:' || phone_owners.user_id, 'phone:' || enriched_calls.caller_hash) as customer_key
    from {{ ref('int_calls_enriched') }} as enriched_calls
    left join phone_owners on phone_owners.phone_hash = enriched_calls.caller_hash
    where enriched_calls.caller_hash is not null
),

contact_starts as (
    select requester_key as customer_key, created_at as started_at from tickets
    union all
    select customer_key, entered_at from calls
),

contacts as (
    -- Contacts end when a ticket is finally solved or an answered call ends.
    select
        'ticket' as contact_type,
        ticket_id::varchar as contact_id,
        requester_key as customer_key,
        final_solved_at as contact_at,
        agent_id
    from tickets
    where final_solved_at is not null
    union all
    select
        'call',
        call_id || '@' || queue,
        customer_key,
        coalesce(ended_at, answered_at),
        agent_id
    from calls
    where outcome = 'answered'
),

final as (
    select
        contacts.*,
        exists (
            select 1 from contact_starts
            where contact_starts.customer_key = contacts.customer_key
                and contact_starts.started_at > contacts.contact_at
                and contact_starts.started_at <= contacts.contact_at + interval ({{ var('repeat_window_hours') }}) hour
        ) as is_repeated
    from contacts
)

select * from final
