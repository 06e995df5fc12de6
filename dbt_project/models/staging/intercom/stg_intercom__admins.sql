-- One row per Intercom admin (teammate) of the admins export (source helpdesk.intercom_admins): the later file
-- wins. Ids are text, as Intercom gives them; the roster's intercom_admin_id names the agent behind each.
with admin_versions as (
    {{ latest_version(source('helpdesk', 'intercom_admins'), "nullif(trim(payload->>'id'), '')") }}
),

final as (
    select
        nullif(trim(payload->>'id'), '') as admin_id,
        {{ json_text('name') }} as admin_name,
        -- The email is hashed at ingestion (HMAC-SHA-256 of the trimmed lower-case address).
        {{ json_text('email_hash') }} as email_hash,
        {{ json_text('job_title') }} as job_title,
        try_cast(payload->>'away_mode_enabled' as boolean) as away_mode_enabled,
        try_cast(payload->>'has_inbox_seat' as boolean) as has_inbox_seat,
        coalesce(from_json(payload->'team_ids', '["varchar"]'), []::varchar[]) as team_ids,
        file_id as source_file_id
    from admin_versions
    where nullif(trim(payload->>'id'), '') is not null
)

select * from final
