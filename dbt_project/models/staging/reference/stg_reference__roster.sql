-- Agent team memberships [valid_from, valid_to) from the latest roster file.
with roster_rows as (
    {{ latest_file(source('reference', 'roster')) }}
),

final as (
    select
        {{ json_text('agent_id') }} as agent_id,
        {{ json_text('agent_name') }} as agent_name,
        lower({{ json_text('email') }}) as email,
        {{ json_text('team_id') }} as team_id,
        {{ json_text('team_name') }} as team_name,
        try_cast({{ json_text('valid_from') }} as date) as valid_from,
        try_cast({{ json_text('valid_to') }} as date) as valid_to,
        {{ json_bigint('zendesk_user_id') }} as zendesk_user_id,
        {{ json_text('asterisk_agent') }} as asterisk_agent,
        -- Optional: the agent's ids in Freshdesk (responder_id, agent_id) and Intercom (admin id, compared as text).
        {{ json_text('freshdesk_agent_id') }} as freshdesk_agent_id,
        {{ json_text('intercom_admin_id') }} as intercom_admin_id
    from roster_rows
)

select * from final
