-- One row per queue call: queue, caller, entered/answered/ended, outcome, wait, talk, agent and team.
with calls as (
    select * from {{ ref('int_queue_calls') }}
),

queues as (
    select * from {{ ref('stg_reference__queues') }}
),

with_agent as (
    -- The Asterisk interface belongs to the roster agent holding it at queue entry (interfaces get reused).
    select
        calls.*,
        membership.agent_id,
        membership.team_id as agent_team_id,
        queues.team_id as queue_team_id
    from calls
    left join {{ ref('int_agent_team_history') }} as membership
        on membership.asterisk_agent = calls.asterisk_agent
        and calls.entered_at >= membership.valid_from_at
        and (membership.valid_to_at is null or calls.entered_at < membership.valid_to_at)
    left join queues using (queue)
),

final as (
    select
        with_agent.call_id,
        with_agent.queue,
        with_agent.caller_number,
        with_agent.entered_at,
        with_agent.answered_at,
        with_agent.ended_at,
        with_agent.outcome,
        with_agent.outcome = 'abandoned'
            and with_agent.wait_seconds < {{ var('short_abandon_seconds') }} as is_short_abandon,
        with_agent.wait_seconds,
        with_agent.talk_seconds,
        with_agent.asterisk_agent,
        with_agent.agent_id,
        -- The answering agent's team at queue entry; the queue's team for unanswered calls.
        case when with_agent.outcome = 'answered' then with_agent.agent_team_id else with_agent.queue_team_id end
            as team_id,
        with_agent.queue_team_id
    from with_agent
)

select * from final
