-- Every status change of every ticket, in order: Zendesk Create/Change events of `status`, and generic CSV
-- status_change events (value = the new status). previous_status: as exported, else the status before it.
with zendesk as (
    select
        ticket_id::varchar as ticket_id,
        created_at as changed_at,
        value as status,
        previous_value,
        row_number() over (partition by ticket_id order by created_at, event_id, child_position) as change_number
    from {{ ref('stg_zendesk__ticket_field_changes') }}
    where field_name = 'status' and value is not null
),

generic as (
    select
        ticket_id,
        created_at as changed_at,
        lower(value) as status,
        null::varchar as previous_value,
        row_number() over (partition by ticket_id order by created_at, source_file_id, source_record_number)
            as change_number
    from {{ ref('stg_generic__ticket_events') }}
    where event_type = 'status_change' and value is not null and ticket_id is not null and created_at is not null
),

unioned as (
    select * from zendesk
    union all
    select * from generic
),

final as (
    select
        ticket_id,
        changed_at,
        change_number,
        status,
        coalesce(previous_value, lag(status) over (partition by ticket_id order by change_number))
            as previous_status
    from unioned
)

select * from final
