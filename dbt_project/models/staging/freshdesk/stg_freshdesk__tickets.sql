-- One row per Freshdesk ticket of the API v2 (`GET /api/v2/tickets?include=stats`): the version with the greatest
-- updated_at (ties: the later file), its codes mapped to the neutral status, channel and priority.
with ticket_versions as (
    {{ latest_version(source('helpdesk', 'freshdesk_tickets'), "payload->>'id'", json_timestamp('updated_at')) }}
),

typed as (
    select
        {{ json_text('id') }} as ticket_id,
        {{ json_timestamp('created_at') }} as created_at,
        {{ json_timestamp('updated_at') }} as updated_at,
        {{ json_bigint('status') }} as status_code,
        {{ json_bigint('priority') }} as priority_code,
        {{ json_bigint('source') }} as source_code,
        {{ json_text('type') }} as ticket_type,
        {{ json_text('requester_id') }} as requester_id,
        {{ json_text('responder_id') }} as responder_id,
        {{ json_text('group_id') }} as group_id,
        coalesce(from_json(payload->'tags', '["varchar"]'), []::varchar[]) as tags,
        try_cast(payload->'stats'->>'first_responded_at' as timestamptz) as first_responded_at,
        try_cast(payload->'stats'->>'resolved_at' as timestamptz) as resolved_at,
        try_cast(payload->'stats'->>'closed_at' as timestamptz) as closed_at,
        try_cast(payload->'stats'->>'reopened_at' as timestamptz) as reopened_at,
        (payload->'stats') is not null and json_type(payload->'stats') = 'OBJECT' as has_stats,
        file_id as source_file_id
    from ticket_versions
),

final as (
    select
        ticket_id,
        created_at,
        updated_at,
        status_code,
        {{ freshdesk_status('status_code::varchar', 'code') }} as status,
        case priority_code when 1 then 'low' when 2 then 'normal' when 3 then 'high' when 4 then 'urgent' end
            as priority,
        -- The vendor's list of ticket sources (Ticket properties, API v2).
        case source_code
            when 1 then 'email' when 2 then 'web' when 3 then 'voice' when 7 then 'chat'
            when 9 then 'web_widget' when 10 then 'email' when 5 then 'twitter' when 6 then 'facebook'
            when 8 then 'mobile' when 11 then 'ecommerce'
            else 'other'
        end as channel,
        ticket_type,
        requester_id,
        responder_id,
        group_id,
        tags,
        first_responded_at,
        -- Final solve: stats.resolved_at, else closed_at (a ticket closed without being resolved).
        coalesce(resolved_at, closed_at) as final_solved_at,
        reopened_at,
        has_stats,
        source_file_id
    from typed
)

select * from final
