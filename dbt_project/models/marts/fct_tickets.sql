-- One row per ticket (deleted tickets excluded) with its lifecycle, agent, team, continuity and flags.
-- Published from int_tickets_enriched (the logic lives in the intermediate layer), with names beside the ids.
with tickets as (
    select * from {{ ref('int_tickets_enriched') }}
),

final as (
    select
        tickets.*,
        {{ scope_name('agent', 'tickets.agent_id') }} as agent_name,
        {{ scope_name('team', 'tickets.team_id') }} as team_name
    from tickets
)

select * from final
