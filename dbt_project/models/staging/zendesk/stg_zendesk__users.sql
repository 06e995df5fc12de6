-- One row per Zendesk user (latest file wins).
with user_versions as (
    {{ latest_version(source('helpdesk', 'zendesk_users'), "payload->>'id'", json_timestamp('updated_at')) }}
),

final as (
    select
        {{ json_bigint('id') }} as user_id,
        {{ json_text('name') }} as user_name,
        -- Email and phone are hashed at ingestion (HMAC-SHA-256 of the trimmed lower-case email / the digits).
        {{ json_text('email_hash') }} as email_hash,
        {{ json_text('phone_hash') }} as phone_hash,
        lower({{ json_text('role') }}) as role
    from user_versions
)

select * from final
