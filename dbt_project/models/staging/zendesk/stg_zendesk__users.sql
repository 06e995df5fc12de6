-- One row per Zendesk user (latest file wins).
with user_versions as (
    {{ latest_version(source('helpdesk', 'zendesk_users'), "payload->>'id'", json_timestamp('updated_at')) }}
),

final as (
    select
        {{ json_bigint('id') }} as user_id,
        {{ json_text('name') }} as user_name,
        lower({{ json_text('email') }}) as email,
        {{ json_text('phone') }} as phone,
        nullif(regexp_replace(coalesce({{ json_text('phone') }}, ''), '[^0-9]', '', 'g'), '') as phone_digits,
        lower({{ json_text('role') }}) as role
    from user_versions
)

select * from final
