-- One row per ticket (deleted tickets excluded) with its lifecycle, agent, team, continuity and flags.
-- Published as is from int_tickets_enriched (the logic lives in the intermediate layer).
with tickets as (
    select * from {{ ref('int_tickets_enriched') }}
),

final as (
    select * from tickets
)

select * from final
