-- One row per queue call (int_calls) with what the call KPIs need on top: the answering roster agent and the
-- team the call counts for, short abandons, handle time and repeat calls. The published fct_calls is this model.
with calls as (
    select * from {{ ref('int_calls') }}
),

queues as (
    select * from {{ ref('stg_reference__queues') }}
),

repeat_calls as (
    -- Answered calls whose caller enters any queue again after the call ended, up to repeat_window_hours later.
    select distinct answered.call_id, answered.queue
    from calls as answered
    inner join calls as later
        on later.caller_hash = answered.caller_hash
        and later.entered_at > coalesce(answered.ended_at, answered.answered_at)
        and later.entered_at <= coalesce(answered.ended_at, answered.answered_at)
            + interval ({{ var('repeat_window_hours') }}) hour
    where answered.outcome = 'answered' and answered.caller_hash is not null
),

with_agent as (
    -- The answering agent: the roster agent given by the calls CSV, or the one holding the Asterisk interface
    -- at queue entry (interfaces get reused); the team is that agent's team at queue entry.
    select
        calls.* exclude (agent_id),
        coalesce(calls.agent_id, interface_holder.agent_id) as agent_id,
        membership.team_id as agent_team_id,
        queues.team_id as queue_team_id
    from calls
    left join {{ ref('int_agent_team_history') }} as interface_holder
        on interface_holder.asterisk_agent = calls.asterisk_agent
        and calls.entered_at >= interface_holder.valid_from_at
        and (interface_holder.valid_to_at is null or calls.entered_at < interface_holder.valid_to_at)
    {{ join_team_membership('coalesce(calls.agent_id, interface_holder.agent_id)', 'calls.entered_at') }}
    left join queues using (queue)
),

final as (
    select
        with_agent.call_source,
        with_agent.call_id,
        with_agent.queue,
        -- The caller only as the keyed hash made at ingestion (personal data never enters the warehouse).
        with_agent.caller_hash,
        with_agent.entered_at,
        with_agent.answered_at,
        with_agent.ended_at,
        with_agent.outcome,
        with_agent.outcome = 'abandoned'
            and with_agent.wait_seconds < {{ var('short_abandon_seconds') }} as is_short_abandon,
        with_agent.wait_seconds,
        with_agent.talk_seconds,
        with_agent.hold_seconds,
        with_agent.wrap_seconds,
        -- Handle time: talk + hold + wrap (queue_log gives talk only; generic call CSVs carry all three).
        with_agent.talk_seconds + coalesce(with_agent.hold_seconds, 0) + coalesce(with_agent.wrap_seconds, 0)
            as handle_seconds,
        with_agent.asterisk_agent,
        with_agent.agent_id,
        -- The answering agent's team at queue entry; the queue's team for unanswered calls.
        case when with_agent.outcome = 'answered' then with_agent.agent_team_id else with_agent.queue_team_id end
            as team_id,
        with_agent.queue_team_id,
        case when with_agent.outcome = 'answered' and with_agent.caller_hash is not null
            then repeat_calls.call_id is not null
        end as is_repeat_call
    from with_agent
    left join repeat_calls using (call_id, queue)
)

select * from final
