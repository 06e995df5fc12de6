-- kpi_metrics joined to the targets valid for the period (a target for a specific scope_id wins over the
-- target for every member of the scope type): target, direction, met and gap (value - target). Speed is never
-- shown alone: the scope's csat_rate, reopen_rate and qa_score_mean of the period sit beside every row.
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

quality as (
    select
        period_grain,
        period_start,
        scope_type,
        scope_id,
        max(value) filter (where metric = 'csat_rate') as scope_csat_rate,
        max(value) filter (where metric = 'reopen_rate') as scope_reopen_rate,
        max(value) filter (where metric = 'qa_score_mean') as scope_qa_score_mean
    from metrics
    where metric in ('csat_rate', 'reopen_rate', 'qa_score_mean')
    group by all
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
        partial_reason,
        target,
        direction,
        case direction
            when 'higher_is_better' then value >= target
            when 'lower_is_better' then value <= target
        end as met,
        value - target as gap,
        quality.scope_csat_rate,
        quality.scope_reopen_rate,
        quality.scope_qa_score_mean
    from matched
    left join quality using (period_grain, period_start, scope_type, scope_id)
)

select * from final
