from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
FORWARD = [
    """
CREATE FUNCTION "riders"."riders_onboarding_recorded"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each onboarding step (KYC, payment, approval, activation) and the
    -- activation of the account are written to rider_status_history in
    -- the same transaction (Rider.move_to_stage does both).
    IF NEW.onboarding_stage IS DISTINCT FROM OLD.onboarding_stage
            -- a move outside the machine is the machine's to refuse
            AND "riders"."riders_onboarding_stage_transition_allowed"(
                OLD.onboarding_stage::text, NEW.onboarding_stage::text)
            AND NOT EXISTS (
        SELECT 1 FROM "riders"."rider_status_history" AS history
        WHERE history.rider_id = NEW.id
          AND history.to_stage = NEW.onboarding_stage
          AND history.from_stage IS NOT DISTINCT FROM OLD.onboarding_stage
          AND "riders"."written_in_current_transaction"(history.xmin)
    ) THEN
        RAISE EXCEPTION 'riders.riders: rider % moves from onboarding_stage % to % with no rider_status_history row for the step',
            NEW.id, OLD.onboarding_stage, NEW.onboarding_stage
            USING ERRCODE = 'check_violation', CONSTRAINT = 'riders_onboarding_recorded',
                  HINT = 'Use Rider.move_to_stage, which records the step.';
    END IF;
    IF NEW.status = 'ACTIVE' AND OLD.status = 'ONBOARDING' AND NOT EXISTS (
        SELECT 1 FROM "riders"."rider_status_history" AS history
        WHERE history.rider_id = NEW.id
          AND history.to_status = 'ACTIVE'
          AND "riders"."written_in_current_transaction"(history.xmin)
    ) THEN
        RAISE EXCEPTION 'riders.riders: rider % is activated with no rider_status_history row for it',
            NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'riders_onboarding_recorded',
                  HINT = 'Use Rider.move_to_stage(ACTIVE, status=ACTIVE).';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "riders_onboarding_recorded" BEFORE UPDATE OF onboarding_stage, status '
    'ON "riders"."riders" FOR EACH ROW '
    "WHEN (OLD.onboarding_stage IS DISTINCT FROM NEW.onboarding_stage "
    "OR (OLD.status = 'ONBOARDING' AND NEW.status = 'ACTIVE')) "
    'EXECUTE FUNCTION "riders"."riders_onboarding_recorded"()',
]
BACKWARD = [
    'DROP TRIGGER "riders_onboarding_recorded" ON "riders"."riders"',
    'DROP FUNCTION "riders"."riders_onboarding_recorded"()',
]


class Migration(migrations.Migration):
    """Rider activation goes through KYC, payment and approval in order (the
    onboarding_stage machine), each step and the activation recorded in
    rider_status_history in the same transaction."""

    dependencies = [("riders", "0011_cash_in_hand_follows_the_ledger")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
