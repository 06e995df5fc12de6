-- Agents with their team history: one row per agent per team membership [valid_from, valid_to).
with memberships as (
    select * from {{ ref('int_agent_team_history') }}
),

final as (
    select
        agent_id,
        agent_name,
        team_id,
        team_name,
        valid_from,
        valid_to,
        is_current,
        zendesk_user_id,
        asterisk_agent
    from memberships
)

select * from final
