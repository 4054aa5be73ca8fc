-- The 17 red flags of the bundled rules.yaml, by hand, as a DuckDB user would write them: the
-- same logic as bench/redflags.jq (read its header), on a table `clients` with a column per
-- question (a Parquet file, or JSON Lines read by DuckDB). Only the red flags: no good signs,
-- no undecided rules, no verdict range, no questions to ask. bench/run.py checks that it finds
-- the same red flags as `clientcheck check` and times it against clientcheck's DuckDB path.
--
--   python bench/redflags_duckdb.py clients.parquet > flags.jsonl
WITH g AS (
    SELECT
        *,
        CASE WHEN worked_before IS FALSE THEN NULL ELSE late_payments END AS late,
        CASE WHEN budget_stated IS FALSE THEN NULL ELSE budget_amount END AS budget,
        CASE WHEN budget_from_investor IS FALSE THEN NULL ELSE own_funds_for_concept END AS own,
        coalesce(asks, []) AS ask_list,
        CASE WHEN asks IS NOT NULL AND NOT list_contains(asks, 'discount') THEN NULL ELSE discount_pct END AS disc,
        CASE WHEN pay_after_delivery IS FALSE THEN NULL ELSE payment_delay_days END AS delay,
        CASE WHEN pay_after_delivery IS FALSE THEN NULL ELSE revenue_share_pct END AS share
    FROM clients
)
SELECT to_json({
    client: client,
    red_flags: list_filter([
        CASE
            WHEN worked_before IS TRUE AND coalesce(late, -1) >= 3 THEN {id: 'late-payer', severity: 'decline'}
            WHEN worked_before IS TRUE AND coalesce(late, -1) >= 2 THEN {id: 'late-payer', severity: 'caution'}
            WHEN worked_before IS TRUE AND coalesce(late, -1) >= 1 THEN {id: 'late-payer', severity: 'note'}
        END,
        CASE WHEN rude IS TRUE THEN {id: 'rude', severity: 'decline'} END,
        CASE WHEN follows_advice = 'insists' THEN {id: 'wont-listen', severity: 'caution'} END,
        CASE
            WHEN budget_stated IS TRUE AND billing = 'monthly' AND budget < min_monthly_price
                THEN {id: 'cannot-afford', severity: 'decline'}
            WHEN budget_stated IS TRUE AND billing <> 'monthly' AND budget < min_price
                THEN {id: 'cannot-afford', severity: 'decline'}
        END,
        CASE WHEN petty_complaints IS TRUE THEN {id: 'petty-complainer', severity: 'caution'} END,
        CASE
            WHEN list_contains(ask_list, 'pay_if_liked') OR (contract IS FALSE AND advance = 'none')
                THEN {id: 'pay-if-i-like', severity: 'high'}
            WHEN asks IS NOT NULL AND NOT list_contains(ask_list, 'pay_if_liked')
                AND (contract IS TRUE OR (advance IS NOT NULL AND advance <> 'none'))
                AND list_contains(ask_list, 'free_sample') THEN
                CASE
                    WHEN business_stage = 'new' THEN {id: 'pay-if-i-like', severity: 'low'}
                    WHEN business_stage IS NOT NULL THEN {id: 'pay-if-i-like', severity: 'high'}
                END
        END,
        CASE
            WHEN coalesce(hours_to_deadline < 24, FALSE) OR everything_urgent IS TRUE
                THEN {id: 'rush-deadline', severity: 'high'}
        END,
        CASE
            WHEN budget_from_investor IS TRUE AND own IS TRUE THEN {id: 'investor-pending', severity: 'caution'}
            WHEN budget_from_investor IS TRUE AND own IS FALSE THEN {id: 'investor-pending', severity: 'decline'}
        END,
        CASE
            WHEN business_stage = 'new' AND written_brief IS FALSE AND has_kpis IS FALSE AND budget_stated IS FALSE
                THEN {id: 'all-talk', severity: 'caution'}
            WHEN written_brief IS FALSE AND has_kpis IS FALSE AND budget_stated IS FALSE AND business_stage IS NOT NULL
                THEN {id: 'all-talk', severity: 'decline'}
            WHEN (coalesce(unpaid_meetings, -1) >= 2 OR (written_brief IS FALSE AND has_kpis IS FALSE))
                AND (written_brief IS TRUE OR has_kpis IS TRUE OR budget_stated IS TRUE) THEN
                CASE
                    WHEN business_stage = 'new' THEN {id: 'all-talk', severity: 'low'}
                    WHEN business_stage IS NOT NULL THEN {id: 'all-talk', severity: 'caution'}
                END
        END,
        CASE WHEN profession_view = 'dismissive' THEN {id: 'devalues-expertise', severity: 'caution'} END,
        CASE WHEN in_segment IS FALSE THEN {id: 'off-target', severity: 'decline'} END,
        CASE
            WHEN needs_missing_features IS TRUE AND willing_to_wait IS NOT NULL
                THEN {id: 'feature-gap', severity: 'decline'}
        END,
        CASE
            WHEN list_contains(ask_list, 'free_work') OR (list_contains(ask_list, 'discount') AND coalesce(disc, -1) >= 30)
                THEN {id: 'freeloader', severity: 'high'}
        END,
        CASE
            WHEN pay_after_delivery IS TRUE AND roadmap_change IS TRUE THEN {id: 'pay-later', severity: 'decline'}
            WHEN pay_after_delivery IS NOT TRUE OR roadmap_change IS NOT FALSE THEN NULL
            WHEN coalesce(share, -1) >= 30 AND coalesce(delay, -1) >= 30 THEN {id: 'pay-later', severity: 'decline'}
            WHEN coalesce(share < 30, FALSE) OR coalesce(delay < 30, FALSE) THEN
                CASE
                    WHEN delay IS NOT NULL AND payment_term_days IS NOT NULL AND delay <= payment_term_days
                        THEN {id: 'pay-later', severity: 'note'}
                    WHEN delay IS NOT NULL AND payment_term_days IS NOT NULL THEN {id: 'pay-later', severity: 'high'}
                END
        END,
        CASE WHEN self_estimates IS TRUE THEN {id: 'self-estimator', severity: 'caution'} END,
        CASE WHEN expected_cost > expected_revenue THEN {id: 'unprofitable', severity: 'high'} END,
        CASE
            WHEN business_stage = 'new' AND brief_clear IS FALSE THEN {id: 'vague-brief', severity: 'note'}
            WHEN brief_clear IS FALSE AND business_stage IS NOT NULL THEN {id: 'vague-brief', severity: 'low'}
        END
    ], lambda f: f IS NOT NULL)
}) AS line
FROM g
