-- kpi_metrics joined to the targets valid for the period (a target for a specific scope_id wins over the
-- target for every member of the scope type): target, direction, met and gap (value - target).
with metrics as (
    select * from {{ ref('kpi_metrics') }}
),

targets as (
    select * from {{ ref('stg_reference__targets') }}
),

matched as (
    select
        metrics.*,
        targets.target,
        targets.direction
    from metrics
    inner join targets
        on targets.metric = metrics.metric
        and targets.scope_type = metrics.scope_type
        and targets.grain = metrics.period_grain
        and (targets.scope_id is null or targets.scope_id = metrics.scope_id)
        and (targets.valid_from is null or metrics.period_start >= targets.valid_from)
        and (targets.valid_to is null or metrics.period_start < targets.valid_to)
    qualify row_number() over (
        partition by metrics.period_grain, metrics.period_start, metrics.scope_type, metrics.scope_id,
            metrics.metric
        order by targets.scope_id nulls last, targets.valid_from desc nulls last
    ) = 1
),

final as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        scope_name,
        metric,
        value,
        numerator,
        denominator,
        sample_size,
        is_complete_period,
        target,
        direction,
        case direction
            when 'higher_is_better' then value >= target
            when 'lower_is_better' then value <= target
        end as met,
        value - target as gap
    from matched
)

select * from final
