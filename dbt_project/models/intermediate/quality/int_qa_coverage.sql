-- qa_coverage_rate per period: active agents (agent of a ticket solved or a call answered in the period) with at
-- least one review in the period / active agents. Org scope, and team scope where an agent belongs to each team
-- they were a member of during the period.
{% set tz = var("reporting_timezone") %}

with activity as (
    select agent_id, timezone('{{ tz }}', final_solved_at)::date as activity_date
    from {{ ref('int_tickets_enriched') }}
    where final_solved_at is not null and agent_id is not null
    union all
    select agent_id, timezone('{{ tz }}', entered_at)::date
    from {{ ref('int_calls_enriched') }}
    where outcome = 'answered' and agent_id is not null
),

reviews as (
    select agent_id, timezone('{{ tz }}', reviewed_at)::date as review_date
    from {{ ref('int_quality_reviews') }}
    where agent_id is not null
),

grains as (
    select unnest(['day', 'week', 'month']) as period_grain
),

active_agents as (
    select distinct
        grains.period_grain,
        date_trunc(grains.period_grain, activity.activity_date)::date as period_start,
        activity.agent_id
    from activity
    cross join grains
),

reviewed_agents as (
    select distinct
        grains.period_grain,
        date_trunc(grains.period_grain, reviews.review_date)::date as period_start,
        reviews.agent_id
    from reviews
    cross join grains
),

coverage as (
    select
        active_agents.*,
        reviewed_agents.agent_id is not null as is_reviewed,
        (active_agents.period_start + ('1 ' || active_agents.period_grain)::interval)::date as period_end
    from active_agents
    left join reviewed_agents using (period_grain, period_start, agent_id)
),

team_coverage as (
    select distinct
        coverage.period_grain,
        coverage.period_start,
        coverage.agent_id,
        coverage.is_reviewed,
        memberships.team_id
    from coverage
    inner join {{ ref('int_agent_team_history') }} as memberships
        on memberships.agent_id = coverage.agent_id
        and (memberships.valid_from is null or memberships.valid_from < coverage.period_end)
        and (memberships.valid_to is null or memberships.valid_to > coverage.period_start)
),

final as (
    select
        'qa_coverage_rate' as metric,
        period_grain,
        period_start,
        'org' as scope_type,
        'all' as scope_id,
        count(*) filter (where is_reviewed)::double as numerator_sum,
        count(*)::double as denominator_sum
    from coverage
    group by all
    union all
    select
        'qa_coverage_rate',
        period_grain,
        period_start,
        'team',
        team_id,
        count(*) filter (where is_reviewed)::double,
        count(*)::double
    from team_coverage
    group by all
)

select * from final
