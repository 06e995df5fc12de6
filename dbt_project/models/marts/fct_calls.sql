-- One row per queue call: queue, caller, entered/answered/ended, outcome, wait, talk, agent and team.
with calls as (
    select * from {{ ref('int_queue_calls') }}
),

agents as (
    select distinct asterisk_agent, agent_id
    from {{ ref('int_agent_team_history') }}
    where asterisk_agent is not null
),

queues as (
    select * from {{ ref('stg_reference__queues') }}
),

with_agent as (
    select
        calls.*,
        agents.agent_id,
        queues.team_id as queue_team_id
    from calls
    left join agents using (asterisk_agent)
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
        case when with_agent.outcome = 'answered' then membership.team_id else with_agent.queue_team_id end
            as team_id,
        with_agent.queue_team_id
    from with_agent
    {{ join_team_membership('with_agent.agent_id', 'with_agent.entered_at') }}
)

select * from final
