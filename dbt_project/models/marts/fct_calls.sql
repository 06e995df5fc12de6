-- One row per queue call: queue, caller, entered/answered/ended, outcome, wait, talk, agent and team.
-- Published as is from int_calls_enriched (the logic lives in the intermediate layer).
with calls as (
    select * from {{ ref('int_calls_enriched') }}
),

final as (
    select * from calls
)

select * from final
