package app.swarmroll.android.security

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import app.swarmroll.core.PlatformException
import app.swarmroll.core.SecureStorage
import java.io.File
import java.security.GeneralSecurityException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/** AES-256-GCM wraps the device key. */
private const val AES_KEY_BITS = 256

/**
 * The core's identity key kept on the phone: an AES-256-GCM key that never leaves the
 * Android Keystore (hardware-backed where the phone has it) wraps it, and the wrapped bytes
 * live in app-private files under [dir]. The core seals a channel owner's secrets in its
 * database under a key derived from the identity key, so those too are useless without the
 * Keystore key (channel read keys are not: they sit in the database as every member's are).
 * A copy of the files without the Keystore key is useless, which is also why the app opts
 * out of backups: a restored file could not be unwrapped on another phone.
 *
 * File layout: `<dir>/<name>.bin` = 12-byte IV followed by the ciphertext and GCM tag.
 * Writes go to a temporary file renamed over the old one, so a crash never leaves half a
 * key. Errors carry a reason without key material, as the core asks.
 */
class KeystoreSecureStorage(private val dir: File, private val alias: String = KEY_ALIAS) : SecureStorage {
    override fun load(name: String): ByteArray? {
        val file = fileFor(name)
        if (!file.isFile) return null
        return guard("read") {
            val blob = file.readBytes()
            require(blob.size > IV_BYTES) { "the stored secret is truncated" }
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(TAG_BITS, blob, 0, IV_BYTES))
            cipher.doFinal(blob, IV_BYTES, blob.size - IV_BYTES)
        }
    }

    override fun save(name: String, secret: ByteArray) {
        guard("write") {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            // The Keystore picks the IV (callers may not, for GCM keys it generates).
            cipher.init(Cipher.ENCRYPT_MODE, key())
            val sealed = cipher.iv + cipher.doFinal(secret)
            dir.mkdirs()
            val tmp = File(dir, "${fileFor(name).name}.tmp")
            tmp.writeBytes(sealed)
            if (!tmp.renameTo(fileFor(name))) error("could not replace the stored secret")
        }
    }

    private fun key(): SecretKey {
        val store = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (store.getKey(alias, null) as? SecretKey)?.let { return it }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        generator.init(
            KeyGenParameterSpec
                .Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(AES_KEY_BITS)
                .setRandomizedEncryptionRequired(true)
                .build()
        )
        return generator.generateKey()
    }

    /** Names come from the core ("identity", channel ids); keep them to safe file names. */
    private fun fileFor(name: String): File {
        require(name.isNotEmpty() && name.all { it.isLetterOrDigit() || it == '-' || it == '_' || it == '.' } && !name.startsWith(".")) {
            "unexpected secret name"
        }
        return File(dir, "$name.bin")
    }

    private inline fun <T> guard(what: String, block: () -> T): T = try {
        block()
    } catch (e: GeneralSecurityException) {
        // The device may be locked or the key invalidated; say which kind, never the bytes.
        throw failed("the Android Keystore could not $what the secret (${e.javaClass.simpleName})", e)
    } catch (e: java.io.IOException) {
        throw failed("could not $what the secret file (${e.javaClass.simpleName})", e)
    } catch (e: IllegalArgumentException) {
        throw failed(e.message ?: "invalid secret", e)
    } catch (e: IllegalStateException) {
        throw failed(e.message ?: "invalid secret", e)
    }

    /** The core's platform error (its message crosses to Rust), keeping the cause for the JVM's logs. */
    private fun failed(reason: String, cause: Throwable) = PlatformException.Failed(reason).apply { initCause(cause) }

    companion object {
        const val KEY_ALIAS = "swarmroll-secrets-v1"
        private const val KEYSTORE = "AndroidKeyStore"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val IV_BYTES = 12
        private const val TAG_BITS = 128
    }
}
