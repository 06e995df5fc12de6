-- Every queue call of every phone system in one shape: Asterisk queue_log calls (agent known by interface) and
-- generic calls CSV rows (agent known by roster agent_id).
with asterisk_calls as (
    select
        'asterisk' as call_source,
        call_id,
        queue,
        entered_at,
        caller_hash,
        outcome,
        answered_at,
        ended_at,
        asterisk_agent,
        null::varchar as agent_id,
        wait_seconds,
        talk_seconds,
        -- queue_log gives talk only: no hold or wrap time.
        null::double as hold_seconds,
        null::double as wrap_seconds
    from {{ ref('int_queue_calls') }}
),

generic_calls as (
    select
        'csv' as call_source,
        call_id,
        queue,
        entered_at,
        caller_hash,
        outcome,
        answered_at,
        ended_at,
        null::varchar as asterisk_agent,
        agent_id,
        wait_seconds,
        talk_seconds,
        hold_seconds,
        wrap_seconds
    from {{ ref('stg_generic__calls') }}
    where call_id is not null and queue is not null and entered_at is not null
),

final as (
    select * from asterisk_calls
    union all
    select * from generic_calls
)

select * from final
