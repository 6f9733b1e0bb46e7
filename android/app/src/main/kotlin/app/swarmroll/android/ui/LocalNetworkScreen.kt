package app.swarmroll.android.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.str

/**
 * Why the app asks for "nearby devices" before the system dialog does (Android 16/17's
 * local network permission): guests' phones at the same venue exchange photos directly
 * over the Wi-Fi, which is faster and uses no mobile data. "Not now" keeps working over
 * the internet.
 */
@Composable
fun LocalNetworkScreen(onAllow: () -> Unit, onNotNow: () -> Unit, modifier: Modifier = Modifier) {
    Column(
        modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp)
    ) {
        Text(str("local_network_title"), style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() })
        Text(str("local_network_body"), style = MaterialTheme.typography.bodyLarge)
        Text(str("local_network_privacy"), style = MaterialTheme.typography.bodyMedium)
        Button(onClick = onAllow, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) { Text(str("local_network_allow")) }
        TextButton(onClick = onNotNow, modifier = Modifier.fillMaxWidth().heightIn(min = 48.dp)) { Text(str("local_network_not_now")) }
    }
}
