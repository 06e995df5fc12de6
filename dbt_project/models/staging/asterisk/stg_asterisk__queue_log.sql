-- One row per distinct queue_log line. Rotated or overlapping files repeat lines, and the same log can land both
-- as a queue_log file and as a dump of the realtime queue_log table: a line is kept once, compared on its
-- normalised fields (the event time as an epoch, fields trimmed, empty trailing data fields dropped).
-- Incremental: a build reads the loads ingested after the highest load it holds and appends their lines not
-- already kept (by line_key). A new load is a later file than any line kept, so the first occurrence of a line stays
-- the one kept. A removed or re-read load, or a changed project or var (telephony_timezone), makes the
-- orchestration rebuild it whole (orchestration/build_state.py).
{{ config(materialized='incremental', incremental_strategy='append') }}
with raw_fields as (
    -- the line's text fields read in one pass over each payload (a `->>` each would parse it once per mention)
    select
        lines.file_id,
        lines.record_number,
        files.load_id,
        json_extract_string(
            payload, ['$.local_time', '$.epoch', '$.callid', '$.queuename', '$.agent', '$.event', '$.data']
        ) as fields
    from {{ source('telephony', 'asterisk_queue_log') }} as lines
    inner join {{ source('telephony', 'ingested_files') }} as files using (file_id)
    {% if is_incremental() %}
    where files.load_id > (select coalesce(max(source_load_id), 0) from {{ this }})
    {% endif %}
),

raw_lines as (
    select
        file_id,
        record_number,
        load_id,
        -- A realtime-table dump's naive time (the server's local time) is read in telephony_timezone as the var is
        -- now; every other line has its epoch (a queue_log file's, or a dump's epoch or time with an offset).
        coalesce(
            epoch_us(timezone('{{ var("telephony_timezone") }}', try_cast(fields[1] as timestamp))) // 1000000,
            fields[2]::bigint
        ) as epoch,
        trim(fields[3]) as call_id_text,
        trim(fields[4]) as queue_text,
        trim(fields[5]) as agent_text,
        upper(trim(fields[6])) as event,
        list_transform(from_json(fields[7], '["varchar"]'), lambda field: trim(field)) as data_fields
    from raw_fields
),

keyed_lines as (
    select
        *,
        md5_number(concat_ws(
            chr(31), epoch, call_id_text, queue_text, agent_text, event, rtrim(array_to_string(data_fields, '|'), '|')
        )) as line_key
    from raw_lines
),

lines as (
    select *
    from keyed_lines
    {% if is_incremental() %}
    where line_key not in (select line_key from {{ this }})
    {% endif %}
    qualify row_number() over (partition by line_key order by file_id, record_number) = 1
),

final as (
    select
        to_timestamp(epoch) as event_at,
        epoch,
        nullif(call_id_text, '') as call_id,
        nullif(queue_text, '') as queue,
        nullif(nullif(agent_text, ''), 'NONE') as agent,
        event,
        nullif(data_fields[1], '') as data1,
        nullif(data_fields[2], '') as data2,
        nullif(data_fields[3], '') as data3,
        nullif(data_fields[4], '') as data4,
        nullif(data_fields[5], '') as data5,
        file_id as source_file_id,
        record_number as source_line_number,
        load_id as source_load_id,
        line_key
    from lines
)

select * from final
