-- Every counted survey response of every survey tool in one shape: Qualtrics (finished, real Status), SurveyMonkey
-- (completed API responses and CSV export rows) and generic survey CSV rows.
with qualtrics as (
    select
        'qualtrics' as survey_source,
        response_id,
        responded_at,
        nps_score,
        csat_score,
        csat_scale_max,
        comment,
        ticket_id::varchar as ticket_id,
        call_id,
        customer_email_hash
    from {{ ref('stg_qualtrics__responses') }}
    where is_counted
),

surveymonkey as (
    select
        'surveymonkey' as survey_source,
        response_id,
        responded_at,
        nps_score,
        csat_score,
        csat_scale_max,
        comment,
        ticket_id,
        call_id,
        customer_email_hash
    from {{ ref('stg_surveymonkey__responses') }}
    where is_counted
),

generic as (
    select
        'csv' as survey_source,
        response_id,
        responded_at,
        nps_score,
        csat_score,
        5 as csat_scale_max,
        comment,
        ticket_id::varchar as ticket_id,
        call_id,
        customer_email_hash
    from {{ ref('stg_generic__survey_responses') }}
    where response_id is not null and responded_at is not null
),

final as (
    select * from qualtrics
    union all
    select * from surveymonkey
    union all
    select * from generic
)

select * from final
