-- One row per ticket: the version with the greatest updated_at (ties: the later file, then the later record).
-- Incremental: a build reads the loads ingested after the highest load it holds, and a ticket it sees again keeps
-- whichever of its kept version and the new ones is latest (a re-export may bring an older version). A removed or
-- re-read load, or a changed project or var, makes the orchestration rebuild it whole (orchestration/build_state.py).
{{ config(materialized='incremental', unique_key='ticket_id', incremental_strategy='delete+insert') }}
with new_versions as (
    select tickets.file_id, tickets.record_number, tickets.payload, files.load_id
    from {{ source('helpdesk', 'zendesk_tickets') }} as tickets
    inner join {{ source('helpdesk', 'ingested_files') }} as files using (file_id)
    {% if is_incremental() %}
    where files.load_id > (select coalesce(max(source_load_id), 0) from {{ this }})
    {% endif %}
),

ticket_versions as (
    {{ latest_version('new_versions', "payload->>'id'", json_timestamp('updated_at')) }}
),

typed as (
    select
        {{ json_bigint('id') }} as ticket_id,
        {{ json_timestamp('created_at') }} as created_at,
        {{ json_timestamp('updated_at') }} as updated_at,
        lower({{ json_text('status') }}) as status,
        lower({{ json_text('priority') }}) as priority,
        lower({{ json_text('type') }}) as ticket_type,
        {{ json_text('subject') }} as subject,
        {{ json_bigint('requester_id') }} as requester_id,
        {{ json_bigint('assignee_id') }} as assignee_id,
        {{ json_bigint('group_id') }} as group_id,
        lower(nullif(trim(payload->'via'->>'channel'), '')) as channel,
        coalesce(from_json(payload->'tags', '["varchar"]'), []::varchar[]) as tags,
        lower(nullif(trim(payload->'satisfaction_rating'->>'score'), '')) as satisfaction_score,
        file_id as source_file_id,
        record_number as source_record_number,
        load_id as source_load_id
    from ticket_versions
),

{% if is_incremental() %}
kept_and_new as (
    select * from typed
    union all by name
    select * from {{ this }}
    where ticket_id in (select ticket_id from typed)
),

final as (
    select * from kept_and_new
    qualify row_number() over (
        partition by ticket_id
        order by updated_at desc nulls last, source_file_id desc, source_record_number desc
    ) = 1
)
{% else %}
final as (
    select * from typed
)
{% endif %}

select * from final
