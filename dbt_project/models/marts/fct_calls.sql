-- One row per queue call: queue, caller, entered/answered/ended, outcome, wait, talk, agent and team.
-- Published from int_calls_enriched (the logic lives in the intermediate layer), with names beside the ids.
with calls as (
    select * from {{ ref('int_calls_enriched') }}
),

final as (
    select
        calls.*,
        {{ scope_name('agent', 'calls.agent_id') }} as agent_name,
        {{ scope_name('team', 'calls.team_id') }} as team_name,
        {{ scope_name('team', 'calls.queue_team_id') }} as queue_team_name
    from calls
)

select * from final
