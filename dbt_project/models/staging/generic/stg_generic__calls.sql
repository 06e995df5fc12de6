-- One row per queue call of a generic calls CSV (a repeated (call_id, queue) keeps its latest file). Agent ids
-- are roster agent_ids. Wait: answer time (answered) or end time (others) minus queue entry.
with call_rows as (
    {{ latest_version(source('telephony', 'generic_calls'), "payload->>'call_id', payload->>'queue'") }}
),

typed as (
    select
        {{ json_text('call_id') }} as call_id,
        {{ json_text('queue') }} as queue,
        -- Hashed at ingestion (HMAC-SHA-256 of the digits; null when the caller is unknown).
        {{ json_text('caller_number_hash') }} as caller_hash,
        {{ json_timestamp('entered_at') }} as entered_at,
        {{ json_timestamp('answered_at') }} as answered_at,
        {{ json_timestamp('ended_at') }} as ended_at,
        {{ json_text('agent_id') }} as agent_id,
        lower({{ json_text('outcome') }}) as outcome,
        try_cast({{ json_text('talk_seconds') }} as double) as talk_seconds,
        try_cast({{ json_text('hold_seconds') }} as double) as hold_seconds,
        try_cast({{ json_text('wrap_seconds') }} as double) as wrap_seconds
    from call_rows
),

final as (
    select
        call_id,
        queue,
        entered_at,
        caller_hash,
        coalesce(outcome, 'in_progress') as outcome,
        answered_at,
        ended_at,
        agent_id,
        case
            when outcome = 'answered' then {{ seconds_between('entered_at', 'answered_at') }}
            when outcome in ('abandoned', 'timeout') then {{ seconds_between('entered_at', 'ended_at') }}
        end as wait_seconds,
        case when outcome = 'answered' then talk_seconds end as talk_seconds,
        case when outcome = 'answered' then hold_seconds end as hold_seconds,
        case when outcome = 'answered' then wrap_seconds end as wrap_seconds
    from typed
)

select * from final
