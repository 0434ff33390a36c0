"""Trigger SQL for the access_mgmt invariants that a CHECK cannot express.

One constant pair (create, drop) per concern, applied by migration 0003 with
``RunSQL``. Functions live in the ``access_mgmt`` schema; tables are always
schema-qualified (Django's connections only search ``public``). Errors use
SQLSTATE ``check_violation`` (23514), which Django raises as IntegrityError.
"""

ROLES = '"access_mgmt"."system_roles"'
ROLE_HIERARCHY = '"access_mgmt"."role_hierarchy"'
APPROVAL_REQUESTS = '"access_mgmt"."approval_requests"'
APPROVAL_STEPS = '"access_mgmt"."approval_workflow_steps"'
APPROVAL_ACTIONS = '"access_mgmt"."approval_actions"'
AUTH_SESSIONS = '"access_mgmt"."auth_sessions"'
REFRESH_TOKENS = '"access_mgmt"."refresh_tokens"'
USER_ROLES = '"access_mgmt"."user_roles"'
RESET_TOKENS = '"access_mgmt"."password_reset_tokens"'

# -- role_hierarchy stays acyclic (CATALOG section 8, item 17) ----------------
#
# A new or changed edge parent -> child closes a cycle exactly when parent is
# already reachable from child. Writers take a transaction-level advisory
# lock first, so two concurrent edges (A -> B and B -> A) cannot each pass the
# check without seeing the other: the second waits, and its query (a fresh
# snapshot under READ COMMITTED) sees the first edge once it commits.

ROLE_HIERARCHY_ACYCLIC = f"""
CREATE FUNCTION "access_mgmt".role_hierarchy_acyclic() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_code text;
    child_code text;
BEGIN
    IF NEW.parent_role_id = NEW.child_role_id THEN
        RETURN NEW;  -- the CHECK role_hierarchy_no_self_edge refuses it, by name
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('access_mgmt.role_hierarchy'));
    IF EXISTS (
        WITH RECURSIVE reachable(role_id) AS (
            SELECT NEW.child_role_id
            UNION
            SELECT edge.child_role_id
              FROM {ROLE_HIERARCHY} edge
              JOIN reachable ON edge.parent_role_id = reachable.role_id
             WHERE edge.id <> NEW.id  -- on UPDATE, the edge's old version does not count
        )
        SELECT 1 FROM reachable WHERE role_id = NEW.parent_role_id
    ) THEN
        SELECT code INTO parent_code FROM {ROLES} WHERE id = NEW.parent_role_id;
        SELECT code INTO child_code FROM {ROLES} WHERE id = NEW.child_role_id;
        RAISE EXCEPTION 'access_mgmt.role_hierarchy: edge % -> % would close a cycle (% already inherits from %)',
            parent_code, child_code, child_code, parent_code
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'role_hierarchy_acyclic';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER role_hierarchy_acyclic
    BEFORE INSERT OR UPDATE OF parent_role_id, child_role_id ON {ROLE_HIERARCHY}
    FOR EACH ROW EXECUTE FUNCTION "access_mgmt".role_hierarchy_acyclic();
"""
DROP_ROLE_HIERARCHY_ACYCLIC = f"""
DROP TRIGGER role_hierarchy_acyclic ON {ROLE_HIERARCHY};
DROP FUNCTION "access_mgmt".role_hierarchy_acyclic();
"""

# -- maker-checker (CATALOG section 8, item 17) -------------------------------
#
# Nobody acts on their own approval request, and an action belongs to a step
# of the request's own workflow. The requester and workflow of a request are
# fixed once it exists, so the check cannot be side-stepped afterwards.

APPROVAL_MAKER_CHECKER = f"""
CREATE FUNCTION "access_mgmt".approval_actions_maker_checker() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    requester bigint;
    request_workflow bigint;
    step_workflow bigint;
BEGIN
    SELECT requested_by_id, workflow_id INTO requester, request_workflow
      FROM {APPROVAL_REQUESTS} WHERE id = NEW.request_id;
    IF NEW.actor_id = requester THEN
        RAISE EXCEPTION 'access_mgmt.approval_actions: system user % requested approval request % and cannot act on it (maker-checker)',
            NEW.actor_id, NEW.request_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'approval_actions_maker_checker';
    END IF;
    SELECT workflow_id INTO step_workflow FROM {APPROVAL_STEPS} WHERE id = NEW.step_id;
    IF step_workflow IS DISTINCT FROM request_workflow THEN
        RAISE EXCEPTION 'access_mgmt.approval_actions: step % belongs to workflow %, but approval request % runs workflow %',
            NEW.step_id, step_workflow, NEW.request_id, request_workflow
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'approval_actions_step_of_workflow';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER approval_actions_maker_checker
    BEFORE INSERT ON {APPROVAL_ACTIONS}
    FOR EACH ROW EXECUTE FUNCTION "access_mgmt".approval_actions_maker_checker();

CREATE FUNCTION "access_mgmt".approval_requests_fixed_requester() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_mgmt.approval_requests: request % keeps its requester and workflow (% -> %, % -> % refused)',
        OLD.id, OLD.requested_by_id, NEW.requested_by_id, OLD.workflow_id, NEW.workflow_id
        USING ERRCODE = 'check_violation',
              CONSTRAINT = 'approval_requests_fixed_requester';
END
$$;
CREATE TRIGGER approval_requests_fixed_requester
    BEFORE UPDATE OF requested_by_id, workflow_id ON {APPROVAL_REQUESTS}
    FOR EACH ROW
    WHEN (OLD.requested_by_id IS DISTINCT FROM NEW.requested_by_id
          OR OLD.workflow_id IS DISTINCT FROM NEW.workflow_id)
    EXECUTE FUNCTION "access_mgmt".approval_requests_fixed_requester();
"""
DROP_APPROVAL_MAKER_CHECKER = f"""
DROP TRIGGER approval_requests_fixed_requester ON {APPROVAL_REQUESTS};
DROP FUNCTION "access_mgmt".approval_requests_fixed_requester();
DROP TRIGGER approval_actions_maker_checker ON {APPROVAL_ACTIONS};
DROP FUNCTION "access_mgmt".approval_actions_maker_checker();
"""

# -- sessions end with role removal and password reset (section 8, item 17) ---
#
# Revoking (or deleting) a role assignment and using a password-reset token
# revoke the staff user's live sessions and their refresh tokens, in the same
# transaction. clock_timestamp(), not now(): the moment of revocation, not the
# start of a long transaction.

REVOKE_SESSIONS = f"""
CREATE FUNCTION "access_mgmt".revoke_system_user_sessions(target_user_id bigint, why text)
RETURNS void LANGUAGE sql AS $$
    WITH revoked AS (
        UPDATE {AUTH_SESSIONS}
           SET revoked_at = clock_timestamp(), revoke_reason = why
         WHERE principal_type = 'SYSTEM_USER' AND principal_id = target_user_id
           AND revoked_at IS NULL
     RETURNING id
    )
    UPDATE {REFRESH_TOKENS} SET revoked_at = clock_timestamp()
     WHERE session_id IN (SELECT id FROM revoked) AND revoked_at IS NULL;
$$;

CREATE FUNCTION "access_mgmt".user_roles_revoke_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "access_mgmt".revoke_system_user_sessions(OLD.user_id, 'ROLE_REMOVED');
    RETURN NULL;
END
$$;
CREATE TRIGGER user_roles_revoke_sessions_on_revoke
    AFTER UPDATE OF revoked_at ON {USER_ROLES}
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION "access_mgmt".user_roles_revoke_sessions();
CREATE TRIGGER user_roles_revoke_sessions_on_delete
    AFTER DELETE ON {USER_ROLES}
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
    EXECUTE FUNCTION "access_mgmt".user_roles_revoke_sessions();

CREATE FUNCTION "access_mgmt".password_reset_tokens_revoke_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "access_mgmt".revoke_system_user_sessions(NEW.user_id, 'PASSWORD_RESET');
    RETURN NULL;
END
$$;
CREATE TRIGGER password_reset_tokens_revoke_sessions
    AFTER UPDATE OF used_at ON {RESET_TOKENS}
    FOR EACH ROW WHEN (OLD.used_at IS NULL AND NEW.used_at IS NOT NULL)
    EXECUTE FUNCTION "access_mgmt".password_reset_tokens_revoke_sessions();
"""
DROP_REVOKE_SESSIONS = f"""
DROP TRIGGER password_reset_tokens_revoke_sessions ON {RESET_TOKENS};
DROP FUNCTION "access_mgmt".password_reset_tokens_revoke_sessions();
DROP TRIGGER user_roles_revoke_sessions_on_delete ON {USER_ROLES};
DROP TRIGGER user_roles_revoke_sessions_on_revoke ON {USER_ROLES};
DROP FUNCTION "access_mgmt".user_roles_revoke_sessions();
DROP FUNCTION "access_mgmt".revoke_system_user_sessions(bigint, text);
"""

# -- the value of a setting in effect (system_settings) -----------------------
#
# For SQL readers (triggers of other domains): the version of ``setting_key``
# in effect at ``at``, the city's own before the platform-wide one; NULL when
# neither exists. EXCLUDE system_settings_no_overlapping_versions makes each
# candidate unique. Windows are [effective_from, effective_to).
# SystemSetting.objects.current() is the same rule in Python.

SYSTEM_SETTINGS = '"access_mgmt"."system_settings"'

SETTING_VALUE = f"""
CREATE FUNCTION "access_mgmt".setting_value(
    setting_key text, for_city_id bigint DEFAULT NULL, at timestamptz DEFAULT now()
) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT setting.value
      FROM {SYSTEM_SETTINGS} setting
     WHERE setting.key = setting_key
       AND (setting.city_id IS NULL OR setting.city_id = for_city_id)
       AND setting.effective_from <= at
       AND (setting.effective_to IS NULL OR setting.effective_to > at)
     ORDER BY setting.city_id IS NULL  -- false (the city's own) sorts first
     LIMIT 1
$$;
"""
DROP_SETTING_VALUE = """
DROP FUNCTION "access_mgmt".setting_value(text, bigint, timestamptz);
"""
