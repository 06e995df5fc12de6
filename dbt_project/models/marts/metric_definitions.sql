-- The metric registry (var metric_registry) as data: one row per metric.
-- Published as is from int_metric_definitions (the logic lives in the intermediate layer).
with definitions as (
    select * from {{ ref('int_metric_definitions') }}
),

final as (
    select * from definitions
)

select * from final
