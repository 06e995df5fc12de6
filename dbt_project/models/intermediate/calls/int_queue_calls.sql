-- One row per queue call (callid, queue) that entered a queue, with its outcome, wait and talk.
with queue_events as (
    select * from {{ ref('stg_asterisk__queue_log') }}
    where call_id is not null and queue is not null
),

entries as (
    select
        call_id,
        queue,
        min(event_at) as entered_at,
        -- ENTERQUEUE's caller id, hashed at ingestion (null when the caller is unknown).
        arg_min(data2, event_at) as caller_hash
    from queue_events
    where event = 'ENTERQUEUE'
    group by call_id, queue
),

connects as (
    select
        call_id,
        queue,
        event_at as answered_at,
        agent,
        try_cast(data1 as double) as hold_seconds
    from queue_events
    where event = 'CONNECT'
    qualify row_number() over (partition by call_id, queue order by event_at, source_line_number) = 1
),

exits as (
    -- The terminal event of an unanswered call; waittime is the last data field of each layout.
    select
        call_id,
        queue,
        event_at as exited_at,
        case when event = 'ABANDON' then 'abandoned' else 'timeout' end as outcome,
        try_cast(case event when 'EXITWITHKEY' then data4 else data3 end as double) as wait_seconds_logged
    from queue_events
    where event in ('ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY')
    qualify row_number() over (partition by call_id, queue order by event_at, source_line_number) = 1
),

completions as (
    -- The end of an answered call and its talk time (calltime): COMPLETEAGENT/COMPLETECALLER(holdtime, calltime,
    -- origposition), or a logged transfer, which no COMPLETE* follows: TRANSFER (Asterisk 1.4-11) and
    -- BLINDTRANSFER (12+) (extension, context, holdtime, calltime[, origposition]); ATTENDEDTRANSFER (12+)
    -- (method, method data..., holdtime, calltime, origposition) with one method data field for BRIDGE (the bridge)
    -- and APP (the application), two for LINK (both channels).
    select
        call_id,
        queue,
        event_at as ended_at,
        try_cast(
            case
                when event in ('COMPLETEAGENT', 'COMPLETECALLER') then data2
                when event = 'ATTENDEDTRANSFER' and upper(data1) = 'LINK' then data5
                else data4
            end as double
        ) as talk_seconds
    from queue_events
    where event in ('COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER')
    qualify row_number() over (partition by call_id, queue order by event_at, source_line_number) = 1
),

final as (
    select
        entries.call_id,
        entries.queue,
        entries.entered_at,
        entries.caller_hash,
        case
            when connects.call_id is not null then 'answered'
            when exits.call_id is not null then exits.outcome
            else 'in_progress'
        end as outcome,
        connects.answered_at,
        case when connects.call_id is not null then completions.ended_at else exits.exited_at end as ended_at,
        connects.agent as asterisk_agent,
        -- Wait: CONNECT holdtime or the exit waittime; when the field is missing, the epoch difference.
        case
            when connects.call_id is not null
                then coalesce(connects.hold_seconds, {{ seconds_between('entries.entered_at', 'connects.answered_at') }})
            when exits.call_id is not null
                then coalesce(exits.wait_seconds_logged, {{ seconds_between('entries.entered_at', 'exits.exited_at') }})
        end as wait_seconds,
        case when connects.call_id is not null then completions.talk_seconds end as talk_seconds
    from entries
    left join connects using (call_id, queue)
    left join exits using (call_id, queue)
    left join completions using (call_id, queue)
)

select * from final
