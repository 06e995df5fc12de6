-- One row per distinct queue_log line. Rotated or overlapping files repeat lines, and the same log can land both
-- as a queue_log file and as a dump of the realtime queue_log table: a line is kept once, compared on its
-- normalised fields (the event time as an epoch, fields trimmed, empty trailing data fields dropped).
with raw_lines as (
    select
        file_id,
        record_number,
        payload,
        -- A realtime-table dump's naive time (the server's local time) is read in telephony_timezone as the var is
        -- now; every other line has its epoch (a queue_log file's, or a dump's epoch or time with an offset).
        coalesce(
            epoch_us(timezone('{{ var("telephony_timezone") }}', try_cast(payload->>'local_time' as timestamp)))
            // 1000000,
            (payload->>'epoch')::bigint
        ) as epoch,
        list_transform(from_json(payload->'data', '["varchar"]'), lambda field: trim(field)) as data_fields
    from {{ source('telephony', 'asterisk_queue_log') }}
),

lines as (
    select *
    from raw_lines
    qualify row_number() over (
        partition by
            epoch,
            trim(payload->>'callid'),
            trim(payload->>'queuename'),
            trim(payload->>'agent'),
            upper(trim(payload->>'event')),
            rtrim(array_to_string(data_fields, '|'), '|')
        order by file_id, record_number
    ) = 1
),

final as (
    select
        to_timestamp(epoch) as event_at,
        epoch,
        nullif(trim(payload->>'callid'), '') as call_id,
        nullif(trim(payload->>'queuename'), '') as queue,
        nullif(nullif(trim(payload->>'agent'), ''), 'NONE') as agent,
        upper(trim(payload->>'event')) as event,
        nullif(data_fields[1], '') as data1,
        nullif(data_fields[2], '') as data2,
        nullif(data_fields[3], '') as data3,
        nullif(data_fields[4], '') as data4,
        nullif(data_fields[5], '') as data5,
        file_id as source_file_id,
        record_number as source_line_number
    from lines
)

select * from final
