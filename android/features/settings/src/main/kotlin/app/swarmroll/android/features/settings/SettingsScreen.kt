package app.swarmroll.android.features.settings

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.selectableGroup
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.HoldReason
import app.swarmroll.android.core.api.NetworkKind
import app.swarmroll.android.core.api.OriginalsPolicy
import app.swarmroll.android.core.api.Settings
import app.swarmroll.android.designsystem.BackTopBar
import app.swarmroll.android.designsystem.ErrorState
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.Section
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/**
 * Settings: what is happening now and why, then when originals may move, then [extra]:
 * the sections the app adds below (party mode, transfers, notifications per channel).
 */
@Composable
fun SettingsScreen(
    state: SettingsState,
    onEvent: (SettingsEvent) -> Unit,
    modifier: Modifier = Modifier,
    extra: @Composable () -> Unit = {}
) {
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("settings_title")) { onEvent(SettingsEvent.Back) }
        val s = state.settings
        when {
            state.loading -> Loading(str("settings_loading"))

            s == null -> ErrorState(state.error.orEmpty(), onRetry = { onEvent(SettingsEvent.Refresh) })

            else ->
                Column(Modifier.fillMaxSize().verticalScroll(rememberScrollState())) {
                    if (state.batteryOptimized) BatteryCard(onEvent)
                    state.error?.let { Text(it, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(16.dp, 8.dp)) }
                    Now(s, state.lastSync)
                    HorizontalDivider()
                    Policy(s, state.saving, onEvent)
                    extra()
                    HorizontalDivider()
                    RelaysSection(state, s.rendezvousRelays, onEvent)
                    Text(
                        str("settings_device", s.deviceId.take(12)),
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                        modifier = Modifier.padding(16.dp)
                    )
                }
        }
    }
}

@Composable
private fun BatteryCard(onEvent: (SettingsEvent) -> Unit) {
    Card(
        colors = CardDefaults.cardColors(
            containerColor = MaterialTheme.colorScheme.errorContainer,
            contentColor = MaterialTheme.colorScheme.onErrorContainer
        ),
        modifier = Modifier.fillMaxWidth().padding(16.dp, 8.dp)
    ) {
        Column(Modifier.padding(start = 16.dp, top = 16.dp, end = 8.dp, bottom = 4.dp)) {
            Text(str("settings_battery_title"), style = MaterialTheme.typography.titleSmall)
            Text(
                str("settings_battery_body"),
                style = MaterialTheme.typography.bodyMedium,
                modifier = Modifier.padding(top = 4.dp, end = 8.dp)
            )
            TextButton(onClick = { onEvent(SettingsEvent.OpenBatterySettings) }, modifier = Modifier.align(Alignment.End)) {
                Text(str("settings_battery_action"))
            }
        }
    }
}

@Composable
private fun Now(s: Settings, last: LastSync?) {
    Section(str("settings_now")) {
        Text(held(s.held), style = MaterialTheme.typography.bodyLarge)
        Fact(str("settings_network"), network(s))
        val power = if (s.charging) {
            str("settings_power_charging")
        } else if (s.batteryLow) {
            str("settings_power_low")
        } else {
            str("settings_power_battery")
        }
        Fact(str("settings_power"), power)
        val background =
            if (last == null) {
                str("settings_background_never")
            } else {
                val ago =
                    when {
                        last.minutesAgo < 1 -> str("settings_just_now")
                        last.minutesAgo < 120 -> plural("settings_minutes_ago", last.minutesAgo.toInt(), last.minutesAgo.toInt())
                        else -> plural("settings_hours_ago", (last.minutesAgo / 60).toInt(), (last.minutesAgo / 60).toInt())
                    }
                str("settings_background_last", ago, size(last.bytesMoved)) +
                    if (last.complete) "" else "\n" + str("settings_background_incomplete")
            }
        Fact(str("settings_background"), background)
    }
}

@Composable
private fun Fact(label: String, value: String) {
    Column(Modifier.fillMaxWidth().padding(top = 12.dp)) {
        Text(label, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
        Text(value, style = MaterialTheme.typography.bodyMedium)
    }
}

@Composable
private fun held(reason: HoldReason?): String = str(
    when (reason) {
        null -> "settings_held_none"
        HoldReason.Offline -> "settings_held_offline"
        HoldReason.Paused -> "settings_held_paused"
        HoldReason.Metered -> "settings_held_metered"
        HoldReason.DataSaver -> "settings_held_data_saver"
        HoldReason.NotCharging -> "settings_held_not_charging"
        HoldReason.BatteryLow -> "settings_held_battery_low"
        HoldReason.BudgetSpent -> "settings_held_budget_spent"
        HoldReason.Never -> "settings_held_never"
    }
)

@Composable
private fun network(s: Settings): String {
    val kind =
        str(
            when (s.network.kind) {
                NetworkKind.None -> "settings_network_none"
                NetworkKind.Wifi -> "settings_network_wifi"
                NetworkKind.Ethernet -> "settings_network_ethernet"
                NetworkKind.Cellular -> "settings_network_cellular"
                NetworkKind.Other -> "settings_network_other"
            }
        )
    return when {
        s.network.constrained -> str("settings_network_saver", kind)
        s.network.metered && s.network.kind != NetworkKind.Cellular -> str("settings_network_metered", kind)
        else -> kind
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Policy(s: Settings, saving: Boolean, onEvent: (SettingsEvent) -> Unit) {
    Section(str("settings_originals")) {
        SectionNote(str("settings_originals_body"))
        Column(Modifier.selectableGroup()) {
            for ((p, label) in listOf(
                OriginalsPolicy.UnmeteredOnly to "settings_originals_wifi",
                OriginalsPolicy.AnyNetwork to "settings_originals_any",
                OriginalsPolicy.Never to "settings_originals_never"
            )) {
                Row(
                    Modifier.fillMaxWidth().heightIn(
                        min = 48.dp
                    ).selectable(s.policy.originals == p, enabled = !saving, role = Role.RadioButton) {
                        onEvent(SettingsEvent.SetOriginals(p))
                    },
                    verticalAlignment = Alignment.CenterVertically
                ) {
                    RadioButton(selected = s.policy.originals == p, onClick = null)
                    Text(str(label), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(start = 12.dp))
                }
            }
        }
        Row(
            Modifier.fillMaxWidth().heightIn(min = 56.dp).toggleable(s.policy.chargingOnly, enabled = !saving, role = Role.Switch) {
                onEvent(SettingsEvent.SetChargingOnly(it))
            },
            verticalAlignment = Alignment.CenterVertically
        ) {
            Column(Modifier.weight(1f)) {
                Text(str("settings_charging_only"), style = MaterialTheme.typography.bodyLarge)
                Text(
                    str("settings_charging_only_body"),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant
                )
            }
            Switch(checked = s.policy.chargingOnly, onCheckedChange = null)
        }
        Text(str("settings_budget"), style = MaterialTheme.typography.bodyLarge, modifier = Modifier.padding(top = 12.dp))
        val limit = s.policy.meteredDailyBytes
        Text(
            if (limit ==
                null
            ) {
                str("settings_budget_used", size(s.meteredTodayBytes))
            } else {
                str("settings_budget_used_of", size(s.meteredTodayBytes), size(limit))
            },
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant
        )
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            for (b in SettingsState.BUDGETS) {
                FilterChip(
                    selected = limit == b,
                    enabled = !saving,
                    onClick = { onEvent(SettingsEvent.SetBudget(b)) },
                    label = { Text(if (b == null) str("settings_budget_none") else size(b)) }
                )
            }
        }
    }
}
