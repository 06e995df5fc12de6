-- One row per distinct queue_log line (rotated or overlapping files repeat lines; a repeat is kept once).
with lines as (
    select *
    from {{ source('telephony', 'asterisk_queue_log') }}
    qualify row_number() over (partition by payload::varchar order by file_id, record_number) = 1
),

final as (
    select
        to_timestamp((payload->>'epoch')::bigint) as event_at,
        (payload->>'epoch')::bigint as epoch,
        nullif(trim(payload->>'callid'), '') as call_id,
        nullif(trim(payload->>'queuename'), '') as queue,
        nullif(nullif(trim(payload->>'agent'), ''), 'NONE') as agent,
        upper(trim(payload->>'event')) as event,
        nullif(trim(payload->'data'->>0), '') as data1,
        nullif(trim(payload->'data'->>1), '') as data2,
        nullif(trim(payload->'data'->>2), '') as data3,
        nullif(trim(payload->'data'->>3), '') as data4,
        nullif(trim(payload->'data'->>4), '') as data5,
        file_id as source_file_id,
        record_number as source_line_number
    from lines
)

select * from final
